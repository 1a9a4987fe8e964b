data "aws_partition" "current" {}

# Role names are shared with .github/workflows (repository variables AWS_*_ROLE_ARN).
module "github_oidc" {
  source = "../../modules/github-oidc"

  roles = {
    # release.yml on pushes to main: push the sample-app image, nothing else.
    "bkt-${local.environment}-github-ci" = {
      repository = var.github_repository
      branch     = var.github_branch
      policy_json = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid      = "LogInToTheRegistry"
            Effect   = "Allow"
            Action   = "ecr:GetAuthorizationToken"
            Resource = "*"
          },
          {
            Sid    = "PushTheSampleAppImage"
            Effect = "Allow"
            Action = [
              "ecr:BatchCheckLayerAvailability",
              "ecr:BatchGetImage",
              "ecr:CompleteLayerUpload",
              "ecr:DescribeImages",
              "ecr:GetDownloadUrlForLayer",
              "ecr:InitiateLayerUpload",
              "ecr:PutImage",
              "ecr:UploadLayerPart",
            ]
            Resource = values(module.ecr.repository_arns)
          },
        ]
      })
    }
    # terraform.yml plan job (environment dev-plan): read-only; it plans with -lock=false.
    "bkt-${local.environment}-github-plan" = {
      repository          = var.github_repository
      environment         = "${local.environment}-plan"
      managed_policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"]
    }
    # terraform.yml apply job: only from the protected GitHub environment "dev".
    "bkt-${local.environment}-github-apply" = {
      repository          = var.github_repository
      environment         = local.environment
      managed_policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"]
    }
  }
}
