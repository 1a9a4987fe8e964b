#!/bin/sh
echo "migrating demo, now in two steps"
