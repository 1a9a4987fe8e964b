mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
}

variables {
  repositories = {
    "bkt-sample-app" = { keep_tagged_images = 20, untagged_expiry_days = 3 }
  }
}

run "tags_are_immutable" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this["bkt-sample-app"].image_tag_mutability == "IMMUTABLE"
    error_message = "image tags must be immutable"
  }
}

run "images_are_scanned_on_push" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this["bkt-sample-app"].image_scanning_configuration[0].scan_on_push
    error_message = "images must be scanned on push"
  }
}

run "images_are_encrypted_with_the_rotated_kms_key" {
  command = apply

  assert {
    condition     = aws_ecr_repository.this["bkt-sample-app"].encryption_configuration[0].encryption_type == "KMS" && aws_ecr_repository.this["bkt-sample-app"].encryption_configuration[0].kms_key == aws_kms_key.this.arn
    error_message = "images must be encrypted with the module's KMS key"
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "the image key must rotate"
  }
}

run "lifecycle_keeps_the_last_tagged_images" {
  command = plan

  assert {
    condition = anytrue([for rule in jsondecode(aws_ecr_lifecycle_policy.this["bkt-sample-app"].policy).rules :
    rule.selection.tagStatus == "tagged" && rule.selection.countType == "imageCountMoreThan" && rule.selection.countNumber == 20 && rule.action.type == "expire"])
    error_message = "the lifecycle policy must keep only the last 20 tagged images"
  }
}

run "lifecycle_expires_untagged_images" {
  command = plan

  assert {
    condition = anytrue([for rule in jsondecode(aws_ecr_lifecycle_policy.this["bkt-sample-app"].policy).rules :
    rule.selection.tagStatus == "untagged" && rule.selection.countType == "sinceImagePushed" && try(rule.selection.countUnit, null) == "days" && rule.selection.countNumber == 3])
    error_message = "the lifecycle policy must expire untagged images after 3 days"
  }
}

run "rejects_no_repositories" {
  command = plan
  variables {
    repositories = {}
  }
  expect_failures = [var.repositories]
}

run "rejects_an_invalid_repository_name" {
  command = plan
  variables {
    repositories = { "Sample_App!" = {} }
  }
  expect_failures = [var.repositories]
}

run "rejects_a_zero_retention" {
  command = plan
  variables {
    repositories = { "bkt-sample-app" = { keep_tagged_images = 0 } }
  }
  expect_failures = [var.repositories]
}
