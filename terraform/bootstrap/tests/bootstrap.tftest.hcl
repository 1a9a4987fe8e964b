mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::bkt-platform-tfstate-123456789012", id = "bkt-platform-tfstate-123456789012" }
  }
}

run "bucket_name_carries_the_account_id" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "bkt-platform-tfstate-123456789012" && aws_s3_bucket.state.force_destroy == false
    error_message = "the state bucket must be named <prefix>-<account id> and refuse deletion while it holds state"
  }
}

run "state_versions_are_kept" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "state versioning must be on"
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration[0].noncurrent_days == 90
    error_message = "old state versions must be kept for the configured days, then expire"
  }
}

run "state_is_encrypted_with_kms" {
  command = plan

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "state must be encrypted with KMS by default"
  }
}

run "public_access_is_blocked" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.state.block_public_acls,
      aws_s3_bucket_public_access_block.state.block_public_policy,
      aws_s3_bucket_public_access_block.state.ignore_public_acls,
      aws_s3_bucket_public_access_block.state.restrict_public_buckets,
    ])
    error_message = "all four public access blocks must be on"
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.state.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)"
  }
}

run "bucket_policy_denies_requests_without_tls" {
  command = apply

  assert {
    condition = anytrue([for statement in jsondecode(aws_s3_bucket_policy.state.policy).Statement :
      statement.Effect == "Deny" && statement.Principal == "*" && statement.Action == "s3:*" &&
      statement.Condition.Bool["aws:SecureTransport"] == "false" &&
      toset(statement.Resource) == toset(["arn:aws:s3:::bkt-platform-tfstate-123456789012", "arn:aws:s3:::bkt-platform-tfstate-123456789012/*"])
    ])
    error_message = "the bucket policy must deny every non-TLS request to the bucket and its objects"
  }
}

run "rejects_an_invalid_region" {
  command = plan
  variables {
    region = "Europe"
  }
  expect_failures = [var.region]
}

run "rejects_an_invalid_name_prefix" {
  command = plan
  variables {
    name_prefix = "State_Bucket"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_too_short_a_version_retention" {
  command = plan
  variables {
    noncurrent_version_retention_days = 1
  }
  expect_failures = [var.noncurrent_version_retention_days]
}
