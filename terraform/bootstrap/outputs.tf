output "state_bucket" {
  description = "Name of the state bucket; put it in terraform/envs/<env>/versions.tf (backend \"s3\" bucket)."
  value       = aws_s3_bucket.state.bucket
}

output "state_bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "backend_config" {
  description = "Backend settings for `terraform init -backend-config=...` of an environment root."
  value = {
    bucket       = aws_s3_bucket.state.bucket
    region       = var.region
    use_lockfile = true
    encrypt      = true
  }
}
