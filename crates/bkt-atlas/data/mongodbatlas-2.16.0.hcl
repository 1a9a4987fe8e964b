# The arguments the mongodb/mongodbatlas provider documents for the kinds the Atlas root writes,
# at the version the root pins. Facts only (names, required or optional, nesting), read from the
# provider's documentation pages for this release; where a page leaves "required" unsaid, the
# provider's schema at the same tag (internal/service/<kind>/schema.go) decided, and the entry
# says so. crates/bkt-atlas/tests/schema.rs checks the rendered root against this file.
#
# Layout: `required`/`optional` list plain arguments; `attribute "<name>"` describes the nested
# attributes of an object-typed argument (written `name = { … }` or `name = [{ … }]`);
# `block "<name>"` a nested block (written `name { … }`); `exactly_one_of` a set of arguments of
# which one, and only one, must be set.

provider "mongodbatlas" {
  source  = "mongodb/mongodbatlas"
  version = "2.16.0"
  docs    = "https://registry.terraform.io/providers/mongodb/mongodbatlas/2.16.0/docs"
  # The same pages as Markdown, at the release tag (released August 13, 2026).
  docs_source = "https://github.com/mongodb/terraform-provider-mongodbatlas/tree/v2.16.0/docs"
  # Provider configuration: every argument is optional and has an environment variable; the root
  # writes no provider block, so credentials come only from the environment.
  credentials_env = ["MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET", "MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY"]
  credentials_doc = "https://registry.terraform.io/providers/mongodb/mongodbatlas/2.16.0/docs/guides/provider-configuration"
}

resource "mongodbatlas_project" {
  doc      = "https://registry.terraform.io/providers/mongodb/mongodbatlas/2.16.0/docs/resources/project"
  required = ["name", "org_id"]
  optional = [
    "project_owner_id",
    "tags",
    "with_default_alerts_settings",
    "is_collect_database_specifics_statistics_enabled",
    "is_data_explorer_enabled",
    "is_extended_storage_sizes_enabled",
    "is_performance_advisor_enabled",
    "is_realtime_performance_panel_enabled",
    "is_schema_advisor_enabled",
    "is_cluster_ai_assistant_enabled",
    "is_data_explorer_gen_ai_features_enabled",
    "is_data_explorer_gen_ai_sample_document_passing_enabled",
    "is_native_reranking_enabled",
    "region_usage_restrictions",
    "is_slow_operation_thresholding_enabled",
  ]

  block "teams" {
    required = ["team_id", "role_names"]
  }

  block "limits" {
    required = ["name", "value"]
  }
}

resource "mongodbatlas_advanced_cluster" {
  doc = "https://registry.terraform.io/providers/mongodb/mongodbatlas/2.16.0/docs/resources/advanced_cluster"
  # The page marks project_id, name and cluster_type required; replication_specs is required in
  # schema.go (ListNestedAttribute, Required).
  required = ["project_id", "name", "cluster_type", "replication_specs"]
  optional = [
    "backup_enabled",
    "retain_backups_enabled",
    "bi_connector_config",
    "encryption_at_rest_provider",
    "tags",
    "labels",
    "mongo_db_major_version",
    "pinned_fcv",
    "pit_enabled",
    "root_cert_type",
    "termination_protection_enabled",
    "adaptive_capacity",
    "use_aws_time_based_snapshot_copy_for_fast_initial_sync",
    "version_release_system",
    "paused",
    "timeouts",
    "accept_data_risks_and_force_replica_set_reconfig",
    "global_cluster_self_managed_sharding",
    "replica_set_scaling_strategy",
    "redact_client_log_data",
    "config_server_management_mode",
    "delete_on_create_timeout",
    "use_effective_fields",
    "advanced_configuration",
  ]

  attribute "replication_specs" {
    # schema.go: region_configs is Required.
    required = ["region_configs"]
    optional = ["zone_name"]

    attribute "region_configs" {
      # schema.go: priority, provider_name and region_name are Required.
      required = ["priority", "provider_name", "region_name"]
      optional = [
        "backing_provider_name",
        "electable_specs",
        "analytics_specs",
        "read_only_specs",
        "auto_scaling",
        "analytics_auto_scaling",
      ]

      attribute "electable_specs" {
        required = ["instance_size"]
        optional = ["disk_iops", "ebs_volume_type", "node_count", "disk_size_gb"]
      }

      attribute "analytics_specs" {
        required = ["instance_size"]
        optional = ["disk_iops", "ebs_volume_type", "node_count", "disk_size_gb"]
      }

      attribute "read_only_specs" {
        required = ["instance_size"]
        optional = ["disk_iops", "ebs_volume_type", "node_count", "disk_size_gb"]
      }

      attribute "auto_scaling" {
        optional = [
          "disk_gb_enabled",
          "compute_enabled",
          "compute_scale_down_enabled",
          "compute_min_instance_size",
          "compute_max_instance_size",
        ]
      }

      attribute "analytics_auto_scaling" {
        optional = [
          "disk_gb_enabled",
          "compute_enabled",
          "compute_scale_down_enabled",
          "compute_min_instance_size",
          "compute_max_instance_size",
        ]
      }
    }
  }

  attribute "bi_connector_config" {
    optional = ["enabled", "read_preference"]
  }

  attribute "pinned_fcv" {
    required = ["expiration_date"]
  }

  attribute "timeouts" {
    optional = ["create", "update", "delete"]
  }
}

resource "mongodbatlas_project_ip_access_list" {
  doc            = "https://registry.terraform.io/providers/mongodb/mongodbatlas/2.16.0/docs/resources/project_ip_access_list"
  required       = ["project_id"]
  optional       = ["aws_security_group", "cidr_block", "comment", "ip_address", "timeouts"]
  exactly_one_of = ["aws_security_group", "cidr_block", "ip_address"]

  attribute "timeouts" {
    optional = ["delete", "read"]
  }
}

resource "mongodbatlas_database_user" {
  doc      = "https://registry.terraform.io/providers/mongodb/mongodbatlas/2.16.0/docs/resources/database_user"
  required = ["auth_database_name", "project_id", "username"]
  optional = [
    "password",
    "password_wo",
    "password_wo_version",
    "description",
    "x509_type",
    "aws_iam_type",
    "ldap_auth_type",
    "oidc_auth_type",
  ]

  # roles is (Required): at least one block.
  block "roles" {
    min_items = 1
    required  = ["role_name", "database_name"]
    optional  = ["collection_name"]
  }

  block "labels" {
    optional = ["key", "value"]
  }

  block "scopes" {
    required = ["name", "type"]
  }
}
