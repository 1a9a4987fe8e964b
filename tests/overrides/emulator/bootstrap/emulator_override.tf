# Copied over terraform/bootstrap by the emulator apply (cargo xtask tf-emulator), in its copy
# only. moto evaluates no policy conditions and treats a conditional Deny as unconditional, so the state
# bucket's TLS-only policy would deny every request; its content is asserted by
# terraform/bootstrap's tests.

resource "aws_s3_bucket_policy" "state" {
  count = 0
}
