locals {
  external_dns_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ChangeRecordsInThePlatformZoneOnly"
        Effect   = "Allow"
        Action   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]
        Resource = var.hosted_zone_arn
      },
      {
        # Zone discovery APIs do not support resource-level permissions.
        Sid      = "DiscoverZones"
        Effect   = "Allow"
        Action   = ["route53:ListHostedZones", "route53:ListTagsForResources"]
        Resource = "*"
      },
    ]
  }
}
