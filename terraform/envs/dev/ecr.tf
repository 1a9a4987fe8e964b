module "ecr" {
  source = "../../modules/ecr"

  repositories = {
    (local.sample_app_repository) = { keep_tagged_images = 50, untagged_expiry_days = 7 }
  }
}
