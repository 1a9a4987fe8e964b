//! `mongodb.tf` of an environment that uses Atlas: the key, the secret the Atlas root writes the
//! sample app's connection string into, and External Secrets' role that reads it.

use crate::Result;
use crate::gitops::apps::{ATLAS_READER, SAMPLE_APP};
use bkt_core::hcl::{Arg, Data, Expr, Local, Module, Resource};
use bkt_core::name;
use bkt_eks::EksInputs;
use bkt_eks::aws::SecretsmanagerSecret;
use bkt_eks::kms::{Account, Key};
use bkt_oidc::aws::{CallerIdentity, IamRole, IamRolePolicy, Partition};
use bkt_oidc::policy::{IrsaTrust, Operator, PolicyDocument, Statement};

/// `mongodb.tf`'s resources.
pub(super) struct Mongodb {
    pub(super) key: Key,
    pub(super) secret: Resource<SecretsmanagerSecret>,
    pub(super) reader: Resource<IamRole>,
    pub(super) reader_policy: Resource<IamRolePolicy>,
}

/// The sample app's MongoDB secret (its key, the secret, and the reader role of External
/// Secrets), in an environment that uses Atlas.
#[allow(
    clippy::too_many_lines,
    reason = "the key, the secret and its reader role, each with its why"
)]
pub(super) fn mongodb(
    cluster_name: &Local,
    partition: &Data<Partition>,
    caller: &Data<CallerIdentity>,
    eks: &Module<EksInputs>,
) -> Result<Mongodb> {
    // The sample app's MongoDB connection (written by the Atlas root, terraform/atlas/<env>),
    // in an environment that uses Atlas only.
    let mongodb_key = Key::builder(
        name!("sample_app_mongodb"),
        Expr::template([cluster_name.reference(), " sample-app MongoDB connection".into()]),
        Account {
            partition: partition.get().partition(),
            account_id: caller.get().account_id(),
        },
    )
    .alias(
        Expr::template([
            "alias/".into(),
            cluster_name.reference(),
            "-sample-app-mongodb".into(),
        ]),
        "-sample-app-mongodb",
    )
    .why("Encrypts the sample app's MongoDB connection string; the Atlas root writes it, the cluster reads it.")
    .build()?;
    let mongodb_secret = Resource::new(
            name!("sample_app_mongodb"),
            SecretsmanagerSecret {
                name: Some(
                    Expr::template([cluster_name.reference(), "/sample-app/mongodb".into()])
                        .into(),
                ),
                description: Some(
                    "The sample app's MongoDB Atlas connection string (JSON key dsn), written by terraform/atlas/<env>."
                        .into(),
                ),
                kms_key_id: Some(mongodb_key.key().get().arn().into()),
                recovery_window_in_days: Some(Arg::from(0).why(
                    "Destroy removes it at once, so the next apply of the same environment can recreate the name.",
                )),
                tags: None,
            },
        );

    // External Secrets reads that one secret, as the service account sample-app/sample-app-atlas
    // (gitops/apps/<env>/sample-app in an environment that uses Atlas), and nothing else.
    let mongodb_reader = Resource::new(
        name!("sample_app_mongodb_reader"),
        IamRole {
            name: Some(
                Expr::template([cluster_name.reference(), "-sample-app-mongodb".into()]).into(),
            ),
            description: Some(
                Expr::template([
                    ["IRSA role of ", SAMPLE_APP, "/", ATLAS_READER, " in "]
                        .concat()
                        .into(),
                    cluster_name.reference(),
                    ": reads the sample app's MongoDB connection string".into(),
                ])
                .into(),
            ),
            assume_role_policy: Some(
                IrsaTrust {
                    provider_arn: eks.get().oidc_provider_arn(),
                    issuer: eks.get().oidc_issuer(),
                    namespace: SAMPLE_APP.into(),
                    service_account: ATLAS_READER.into(),
                }
                .document()
                .to_json()
                .into(),
            ),
            ..IamRole::default()
        },
    );
    let mongodb_reader_policy = Resource::new(
        name!("sample_app_mongodb_reader"),
        IamRolePolicy {
            name: Some("read-the-atlas-connection".into()),
            role: Some(mongodb_reader.get().id().into()),
            policy: Some(
                PolicyDocument::new([
                    Statement::allow()
                        .sid("ReadTheAtlasConnectionOnly")?
                        .action([
                            "secretsmanager:GetSecretValue",
                            "secretsmanager:DescribeSecret",
                        ])
                        .resource(mongodb_secret.get().arn()),
                    Statement::allow()
                        .sid("DecryptItThroughSecretsManagerOnly")?
                        .action("kms:Decrypt")
                        .resource(mongodb_key.key().get().arn())
                        .condition(
                            Operator::StringLike,
                            "kms:ViaService",
                            "secretsmanager.*.amazonaws.com",
                        )?,
                ])
                .to_json()
                .into(),
            ),
        },
    );
    Ok(Mongodb {
        key: mongodb_key,
        secret: mongodb_secret,
        reader: mongodb_reader,
        reader_policy: mongodb_reader_policy,
    })
}
