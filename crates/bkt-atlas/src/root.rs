//! The Atlas root (`terraform/atlas/<environment>`) as typed values: it reads the AWS root's outputs
//! from its state, creates the project, the cluster, the access list and the database user,
//! and writes the connection string into the secret the AWS root made for it.

use bkt_core::hcl::func::{can, contains, jsonencode, regex, split, toset};
use bkt_core::hcl::{
    Arg, Data, Expr, File, Local, Locals, NestedBlock, Output, Provider, RequiredProvider,
    Resource, Settings, Type, Variable,
};
use bkt_core::{Tree, name};
use bkt_oidc::aws::AwsProvider;

use crate::Result;
use crate::kinds::{
    AdvancedCluster, DatabaseUser, DatabaseUserRole, DatabaseUserScope, Project,
    ProjectIpAccessList, RandomPassword, S3Backend, SecretsmanagerSecretVersion,
    TerraformRemoteState,
};
use crate::spec::{
    ATLAS_REGION_PATTERN, AtlasSpec, CLUSTER_NAME_PATTERN, DATABASE_NAME_PATTERN, InstanceSize,
    ORG_ID_PATTERN, PROJECT_NAME_PATTERN, REGION_PATTERN, STATE_BUCKET_PATTERN, STATE_KEY_PATTERN,
    USERNAME_PATTERN,
};

/// The `mongodb/mongodbatlas` provider version the root pins (the newest release when the
/// root was written; `data/mongodbatlas-<version>.hcl` holds its documented arguments).
// renovate: datasource=terraform-provider depName=mongodb/mongodbatlas
pub const MONGODBATLAS_VERSION: &str = "2.16.0";
/// The `hashicorp/random` provider version the root pins.
// renovate: datasource=terraform-provider depName=hashicorp/random
pub const RANDOM_VERSION: &str = "3.9.0";
/// The `hashicorp/aws` provider version the root pins: the one the environment root pins.
// renovate: datasource=terraform-provider depName=hashicorp/aws
pub const AWS_VERSION: &str = "5.100.0";
/// Length of the generated database password: 32 letters and digits, about 190 bits.
pub const PASSWORD_LENGTH: u8 = 32;
/// Electable nodes of a dedicated cluster: a replica set of three, the smallest Atlas offers.
pub const DEDICATED_NODE_COUNT: u8 = 3;

/// The Atlas root: a validated [`AtlasSpec`] and the Terraform and provider versions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AtlasRoot {
    /// The values written as variable defaults and literal access-list entries.
    pub spec: AtlasSpec,
    /// Minimum Terraform version (1.11: S3-native state locking).
    pub required_version: String,
}

/// The root's input variables, kept together so resources can refer to them.
struct Inputs {
    region: Variable,
    state_bucket: Variable,
    state_key: Variable,
    atlas_org_id: Variable,
    project_name: Variable,
    cluster_name: Variable,
    atlas_region: Variable,
    instance_size: Variable,
    database_username: Variable,
    database_name: Variable,
}

impl Inputs {
    fn all(&self) -> [&Variable; 10] {
        [
            &self.region,
            &self.state_bucket,
            &self.state_key,
            &self.atlas_org_id,
            &self.project_name,
            &self.cluster_name,
            &self.atlas_region,
            &self.instance_size,
            &self.database_username,
            &self.database_name,
        ]
    }
}

fn matches(pattern: &str) -> impl FnOnce(Expr) -> Expr + '_ {
    move |value| can(regex(pattern, value))
}

impl AtlasRoot {
    /// The root for `spec`, requiring Terraform 1.11 or newer.
    #[must_use]
    pub fn new(spec: AtlasSpec) -> Self {
        Self {
            spec,
            required_version: ">= 1.11.0".to_owned(),
        }
    }

    #[allow(
        clippy::too_many_lines,
        reason = "the variables in file order, each with its validation"
    )]
    fn inputs(&self) -> Inputs {
        let spec = &self.spec;
        let mut atlas_org_id = Variable::new(
            name!("atlas_org_id"),
            "ID of the Atlas organization the project is created in (24 hexadecimal digits; Atlas UI: Organization Settings).",
            Type::String,
        );
        if let Some(id) = spec.org_id() {
            atlas_org_id = atlas_org_id.default(id);
        }
        let atlas_org_id = atlas_org_id.validate(
            matches(ORG_ID_PATTERN),
            "atlas_org_id must be the organization's 24 lowercase hexadecimal digits.",
        );
        let mut state_bucket = Variable::new(
            name!("state_bucket"),
            "S3 bucket holding the state of the environment root (the state_bucket output of terraform/bootstrap).",
            Type::String,
        );
        if let Some(bucket) = spec.state_bucket() {
            state_bucket = state_bucket.default(bucket);
        }
        Inputs {
            region: Variable::new(
                name!("region"),
                "AWS region of the environment root: where its state bucket and the connection secret live.",
                Type::String,
            )
            .default(spec.region())
            .validate(
                matches(REGION_PATTERN),
                "region must be an AWS region name such as eu-west-1.",
            ),
            state_bucket: state_bucket.validate(
                matches(STATE_BUCKET_PATTERN),
                "state_bucket must be an S3 bucket name (3-63 lowercase letters, digits, dots or hyphens).",
            ),
            state_key: Variable::new(
                name!("state_key"),
                "Key of the environment root's state object, whose nat_public_ips and mongodb_secret_arn outputs this root reads.",
                Type::String,
            )
            .default(spec.state_key())
            .validate(
                matches(STATE_KEY_PATTERN),
                "state_key must be an S3 object key ending in .tfstate (e.g. envs/dev/terraform.tfstate).",
            ),
            atlas_org_id,
            project_name: Variable::new(
                name!("project_name"),
                "Name of the Atlas project.",
                Type::String,
            )
            .default(spec.project_name())
            .validate(
                matches(PROJECT_NAME_PATTERN),
                "project_name must be 1-64 ASCII letters, digits, dots, underscores or hyphens, starting with a letter or digit.",
            ),
            cluster_name: Variable::new(
                name!("cluster_name"),
                "Name of the Atlas cluster; it becomes the first label of the cluster's host names.",
                Type::String,
            )
            .default(spec.cluster_name())
            .validate(
                matches(CLUSTER_NAME_PATTERN),
                "cluster_name must be 1-64 ASCII letters, digits or hyphens, starting and ending with a letter or digit.",
            ),
            atlas_region: Variable::new(
                name!("atlas_region"),
                "Atlas name of the AWS region the cluster runs in (EU_WEST_1 for eu-west-1); keep it the VPC's region so traffic stays in-region.",
                Type::String,
            )
            .default(spec.atlas_region())
            .validate(
                matches(ATLAS_REGION_PATTERN),
                "atlas_region must be an Atlas AWS region name such as EU_WEST_1.",
            ),
            instance_size: Variable::new(
                name!("instance_size"),
                "Cluster tier: FLEX (shared, about $8-30 a month, enough for dev) or a dedicated M10, M20 or M30 (from about $57 a month).",
                Type::String,
            )
            .default(spec.instance_size().as_str())
            .validate(
                |size| {
                    contains(
                        Expr::list(InstanceSize::ALL.iter().map(|size| size.as_str())),
                        size,
                    )
                },
                "instance_size must be FLEX, M10, M20 or M30.",
            ),
            database_username: Variable::new(
                name!("database_username"),
                "Database user of the application; it goes into the connection string unescaped.",
                Type::String,
            )
            .default(spec.database_username())
            .validate(
                matches(USERNAME_PATTERN),
                "database_username must be 1-32 lowercase letters, digits, dots, underscores or hyphens, starting with a letter.",
            ),
            database_name: Variable::new(
                name!("database_name"),
                "Database the application's user may read and write.",
                Type::String,
            )
            .default(spec.database_name())
            .validate(
                matches(DATABASE_NAME_PATTERN),
                "database_name must be 1-63 ASCII letters, digits, underscores or hyphens.",
            ),
        }
    }

    /// The root's files, by file name (`main.tf`, `variables.tf` …), without headers.
    ///
    /// # Errors
    /// None today: the spec was validated when it was built. The `Result` leaves room for
    /// checks that can only run on the assembled root.
    #[allow(
        clippy::too_many_lines,
        reason = "one root, read top to bottom like its files"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let inputs = self.inputs();
        let spec = &self.spec;

        let envs_dev = envs_dev(&inputs);
        let envs_dev_output = |output| envs_dev.get().outputs().attr(&output);
        let nat_public_ips = Local::new(
            name!("nat_public_ips"),
            toset(envs_dev_output(name!("nat_public_ips"))),
        )
        .why("The NAT gateways' public addresses: every pod's traffic to Atlas leaves the VPC through them.");
        let flex = Local::new(
            name!("flex"),
            inputs
                .instance_size
                .reference()
                .equals(InstanceSize::Flex.as_str()),
        );
        let additional_access = Local::new(
            name!("additional_access"),
            Expr::list(
                spec.additional_access()
                    .iter()
                    .map(|cidr| Expr::from(cidr.to_string())),
            ),
        )
        .why("Extra public ranges from the platform spec, each validated there (at most a /24, never 0.0.0.0/0).");

        let project = Resource::new(
            name!("this"),
            Project {
                name: Some(inputs.project_name.reference().into()),
                org_id: Some(inputs.atlas_org_id.reference().into()),
            },
        );
        let region_config = region_config(&flex.reference(), &inputs);
        let cluster = Resource::new(
            name!("this"),
            AdvancedCluster {
                project_id: Some(project.get().id().into()),
                name: Some(inputs.cluster_name.reference().into()),
                cluster_type: Some("REPLICASET".into()),
                replication_specs: Some(
                    Arg::from(Expr::list([Expr::object([(
                        "region_configs",
                        Expr::list([region_config]),
                    )])]))
                    .why("Flex runs on shared AWS hardware in the region (priority 7 is required);\na dedicated tier gets a three-node replica set. One region, one shard: dev."),
                ),
            },
        );

        let nat_access = Resource::new(
            name!("nat"),
            ProjectIpAccessList {
                project_id: Some(project.get().id().into()),
                ip_address: Some(
                    Arg::from(Expr::each_value())
                        .why("One address per entry: the access list is exactly the NAT gateways, a /32 each."),
                ),
                comment: Some("NAT gateway of the dev VPC".into()),
                ..ProjectIpAccessList::default()
            },
        )
        .for_each(nat_public_ips.reference())
        .why("Only the VPC reaches the cluster. A private endpoint would need a dedicated tier (M10+)\nand an interface endpoint; for dev the NAT addresses give the same boundary for less.");
        let extra_access = Resource::new(
            name!("additional"),
            ProjectIpAccessList {
                project_id: Some(project.get().id().into()),
                cidr_block: Some(Expr::each_value().into()),
                comment: Some("Allowed by the platform spec".into()),
                ..ProjectIpAccessList::default()
            },
        )
        .for_each(toset(additional_access.reference()));

        let at = Placed {
            project_id: project.get().id(),
            cluster_name: cluster.get().name(),
            standard_srv: cluster
                .get()
                .connection_strings()
                .attr(&name!("standard_srv")),
        };
        let user = database_user(
            &inputs,
            at.clone(),
            envs_dev_output(name!("mongodb_secret_arn")),
        );
        let cluster_host = user.cluster_host.clone();

        let mut main = File::new();
        let mut locals = vec![
            vec![nat_public_ips.clone()],
            vec![flex],
            vec![cluster_host.clone()],
        ];
        if !spec.additional_access().is_empty() {
            locals.insert(1, vec![additional_access]);
        }
        main.push(envs_dev.to_block())
            .push(Locals { groups: locals }.to_block())
            .push(project.to_block())
            .push(cluster.to_block());

        let mut network_access = File::new();
        network_access.push(nat_access.to_block());
        if !spec.additional_access().is_empty() {
            network_access.push(extra_access.to_block());
        }

        let database_user = user.file.clone();

        let outputs = outputs(at, nat_public_ips.reference(), user);

        let mut variables = File::new();
        for variable in inputs.all() {
            variables.push(variable.to_block());
        }

        let mut providers = File::new();
        providers.push(
            Provider::new(AwsProvider {
                region: Some(inputs.region.reference().into()),
                ..AwsProvider::default()
            })
            .to_block(),
        );

        let mut versions = File::new();
        versions.push(self.settings().to_block());

        Ok(vec![
            ("main.tf", main),
            ("network-access.tf", network_access),
            ("database-user.tf", database_user),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("providers.tf", providers),
            ("versions.tf", versions),
        ])
    }

    fn settings(&self) -> Settings {
        let provider = |local: bkt_core::Name, source: &str, version: &str| RequiredProvider {
            name: local,
            source: source.to_owned(),
            version: version.to_owned(),
        };
        Settings {
            required_version: self.required_version.clone(),
            required_providers: vec![
                provider(name!("aws"), "hashicorp/aws", AWS_VERSION),
                provider(name!("mongodbatlas"), "mongodb/mongodbatlas", MONGODBATLAS_VERSION),
                provider(name!("random"), "hashicorp/random", RANDOM_VERSION),
            ],
            backend: Some(
                S3Backend {
                    bucket: self.spec.state_bucket().map(Into::into),
                    key: Some(self.spec.own_state_key().into()),
                    region: Some(self.spec.region().into()),
                    encrypt: Some(true.into()),
                    use_lockfile: Some(true.into()),
                    why: Some(if self.spec.state_bucket().is_some() {
                        "The state holds the generated password: the same encrypted, versioned bucket as\nthe environment root, a key of its own."
                    } else {
                        "The state holds the generated password: the same encrypted, versioned bucket as\nthe environment root, a key of its own. The bucket is given at init\n(-backend-config=bucket=<the state_bucket output of terraform/bootstrap>)."
                    }.into()),
                }
                .to_block(),
            ),
        }
    }

    /// The root as a tree of generated files (`main.tf` …), headers included.
    ///
    /// # Errors
    /// As [`AtlasRoot::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }
}

/// The dev environment root's state (its NAT addresses and the secret this root fills), read
/// from the state bucket.
fn envs_dev(inputs: &Inputs) -> Data<TerraformRemoteState> {
    Data::new(
        name!("envs_dev"),
        TerraformRemoteState {
            backend: Some("s3".into()),
            config: Some(
                Expr::object([
                    ("bucket", inputs.state_bucket.reference()),
                    ("key", inputs.state_key.reference()),
                    ("region", inputs.region.reference()),
                ])
                .into(),
            ),
        },
    )
}

/// The cluster's one region config: Flex on shared AWS hardware when `flex`, else a dedicated
/// three-node replica set of the instance size.
fn region_config(flex: &Expr, inputs: &Inputs) -> Expr {
    let is_flex = || flex.clone();
    Expr::object([
        ("provider_name", is_flex().then_else("FLEX", "AWS")),
        (
            "backing_provider_name",
            is_flex().then_else("AWS", Expr::null()),
        ),
        ("region_name", inputs.atlas_region.reference()),
        ("priority", Expr::from(7)),
        (
            "electable_specs",
            is_flex().then_else(
                Expr::null(),
                Expr::object([
                    ("instance_size", inputs.instance_size.reference()),
                    ("node_count", Expr::from(DEDICATED_NODE_COUNT)),
                ]),
            ),
        ),
    ])
}

/// What the database user and the outputs read of the project and the cluster.
#[derive(Clone)]
struct Placed {
    project_id: Expr,
    cluster_name: Expr,
    /// The cluster's `mongodb+srv://<host>` address.
    standard_srv: Expr,
}

/// `database-user.tf` and what the other files read of it.
struct UserFile {
    file: File,
    /// The cluster's host, a local of `main.tf`.
    cluster_host: Local,
    username: Expr,
    secret_arn: Expr,
}

/// `database-user.tf`: the generated password, the application's user on the cluster only, and
/// its connection string written to the environment's secret `secret_id`.
fn database_user(inputs: &Inputs, at: Placed, secret_id: Expr) -> UserFile {
    let password = Resource::new(
        name!("database_user"),
        RandomPassword {
            length: Some(Expr::from(PASSWORD_LENGTH).into()),
            special: Some(Arg::from(false).why(
                "Letters and digits only: the password goes into the connection string without escaping.",
            )),
        },
    )
    .why("Generated by Terraform: it exists only in the encrypted state, the Atlas user and the secret.");
    let user = Resource::new(
        name!("app"),
        DatabaseUser {
            project_id: Some(at.project_id.into()),
            username: Some(inputs.database_username.reference().into()),
            password: Some(password.get().result().into()),
            auth_database_name: Some("admin".into()),
            roles: vec![DatabaseUserRole {
                role_name: Some("readWrite".into()),
                database_name: Some(inputs.database_name.reference().into()),
                why: None,
            }],
            scopes: vec![DatabaseUserScope {
                name: Some(at.cluster_name.into()),
                r#type: Some("CLUSTER".into()),
                why: Some("Only this cluster, not every cluster the project may get later.".into()),
            }],
        },
    );
    let cluster_host = Local::new(
        name!("cluster_host"),
        split(
            "//",
            at.standard_srv,
        )
        .index(1),
    )
    .why("standard_srv is mongodb+srv://<host>; the connection string puts the credentials before the host.");
    let dsn = Expr::template([
        "mongodb+srv://".into(),
        user.get().username(),
        ":".into(),
        password.get().result(),
        "@".into(),
        cluster_host.reference(),
        "/".into(),
        inputs.database_name.reference(),
        "?retryWrites=true&w=majority&appName=".into(),
        inputs.cluster_name.reference(),
    ]);
    let secret = Resource::new(
        name!("mongodb"),
        SecretsmanagerSecretVersion {
            secret_id: Some(secret_id.into()),
            secret_string: Some(
                Arg::from(jsonencode(Expr::object([("dsn", dsn)]))).why(
                    "The shape the app's secret path carries on: one key, dsn, as for MySQL.",
                ),
            ),
        },
    )
    .why("The secret itself belongs to the environment root (empty there); this root only writes its value.");
    let mut database_user = File::new();
    database_user
        .push(password.to_block())
        .push(user.to_block())
        .push(secret.to_block());
    UserFile {
        file: database_user,
        cluster_host,
        username: user.get().username(),
        secret_arn: secret.get().arn(),
    }
}

/// `outputs.tf`: the project, the cluster and its address, the allowed addresses
/// (`nat_public_ips`), the user and its secret.
fn outputs(at: Placed, nat_public_ips: Expr, user: UserFile) -> File {
    let mut outputs = File::new();
    for output in [
        Output::new(
            name!("project_id"),
            "ID of the Atlas project.",
            at.project_id,
        ),
        Output::new(
            name!("cluster_name"),
            "Name of the Atlas cluster.",
            at.cluster_name,
        ),
        Output::new(
            name!("cluster_srv_address"),
            "Public mongodb+srv:// address of the cluster, without credentials.",
            at.standard_srv,
        ),
        Output::new(
            name!("access_list_ips"),
            "Public addresses allowed to connect: the VPC's NAT gateways.",
            nat_public_ips,
        ),
        Output::new(
            name!("database_username"),
            "Database user of the application (its password is only in the secret).",
            user.username,
        ),
        Output::new(
            name!("mongodb_secret_arn"),
            "Secrets Manager secret holding the app's connection string as {\"dsn\": …}.",
            user.secret_arn,
        ),
    ] {
        outputs.push(output.to_block());
    }
    outputs
}
