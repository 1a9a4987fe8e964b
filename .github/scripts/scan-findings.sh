#!/usr/bin/env bash
# The release's gate on ECR's scan of the image it pushed (the repository scans on push): wait for
# the scan, then fail when it found anything CRITICAL, so the deploy job never moves an
# environment to that image. Needs ecr:DescribeImageScanFindings on the repository (the CI role
# has it, terraform/envs/<env>/github.tf).
# Usage: scan-findings.sh <repository name> <image digest>
set -euo pipefail

[[ $# -eq 2 && $2 == sha256:* ]] || { echo "usage: $0 <repository name> <image digest sha256:...>" >&2; exit 2; }
repository=$1 digest=$2
aws ecr wait image-scan-complete --repository-name "$repository" --image-id "imageDigest=$digest"
counts="$(aws ecr describe-image-scan-findings --repository-name "$repository" --image-id "imageDigest=$digest" \
  --query 'imageScanFindings.findingSeverityCounts' --output json)"
echo "scan findings of $repository@$digest: $counts"
critical="$(jq -r '.CRITICAL // 0' <<<"${counts:-null}")"
if ((critical > 0)); then
  echo "::error::$critical CRITICAL finding(s) in $repository@$digest; not deploying it" >&2
  exit 1
fi
