#!/bin/sh
echo "migrating demo"
