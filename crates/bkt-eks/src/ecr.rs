//! The ecr Terraform module (`terraform/modules/ecr`): repositories with immutable tags, scan on
//! push, KMS encryption and a lifecycle policy — as typed values — and the validated spec a root
//! passes to it.

use std::collections::BTreeMap;

use bkt_core::hcl::func::{alltrue, can, jsonencode, keys, length, regex, values};
use bkt_core::hcl::{Arg, BinOp, Data, Expr, Field, File, Output, Resource, Type, Variable};
use bkt_core::{Tree, name};
use bkt_oidc::aws::{CallerIdentity, Partition};

use crate::aws::{
    EcrLifecyclePolicy, EcrRepository, EncryptionConfiguration, ImageScanningConfiguration,
};
use crate::kms::{self, Account};
use crate::{Error, Result};

/// The regular expression of the module's repository name validation (ECR's own form).
pub const REPOSITORY_NAME_PATTERN: &str =
    "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$";

/// Whether `value` matches [`REPOSITORY_NAME_PATTERN`],
/// `^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`, as the `validation` block
/// does.
///
/// The pattern is runs of lowercase letters and digits joined by single separators (`.`, `_`, `-`
/// within a path component, `/` between components): not empty, no separator first, last or next
/// to another.
pub(crate) fn matches_repository_name_pattern(value: &str) -> bool {
    // Start as if after a separator: a name may not begin with one (nor be empty).
    let mut after_separator = true;
    for byte in value.bytes() {
        if byte.is_ascii_lowercase() || byte.is_ascii_digit() {
            after_separator = false;
        } else if matches!(byte, b'.' | b'_' | b'-' | b'/') && !after_separator {
            after_separator = true;
        } else {
            return false;
        }
    }
    !after_separator
}

/// The shortest repository name.
pub const MIN_REPOSITORY_NAME: usize = 2;
/// The longest repository name.
pub const MAX_REPOSITORY_NAME: usize = 256;
/// Image tags never move: a git SHA always names the same image.
pub const IMAGE_TAG_MUTABILITY: &str = "IMMUTABLE";

/// One repository's retention; in serde, a key left out keeps the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Repository {
    /// How many tagged images to keep (at least 1).
    pub keep_tagged_images: u32,
    /// Days after which untagged images (old build layers) expire (at least 1).
    pub untagged_expiry_days: u32,
}

impl Default for Repository {
    /// The module's defaults: keep 50 tagged images, expire untagged ones after 7 days.
    fn default() -> Self {
        Self {
            keep_tagged_images: 50,
            untagged_expiry_days: 7,
        }
    }
}

/// The repositories of one registry, validated: what a root passes to the ecr module. In serde,
/// `{ "repositories": { <name>: { … } } }`, read through [`EcrSpec::new`]:
///
/// ```
/// use bkt_eks::EcrSpec;
/// let spec: EcrSpec = serde_json::from_str(r#"{"repositories": {"shop/api": {"keep_tagged_images": 20}}}"#)?;
/// assert_eq!(spec.repositories()["shop/api"].untagged_expiry_days, 7);
/// let error = serde_json::from_str::<EcrSpec>(r#"{"repositories": {"Shop": {}}}"#).unwrap_err();
/// assert!(error.to_string().starts_with("ecr.repositories: \"Shop\" is invalid"), "{error}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "EcrSpecFields", into = "EcrSpecFields")]
pub struct EcrSpec {
    repositories: BTreeMap<String, Repository>,
}

/// [`EcrSpec`] in serde: the repositories in order, a repeated name kept for the check.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EcrSpecFields {
    #[serde(with = "crate::ordered_map")]
    repositories: Vec<(String, Repository)>,
}

impl TryFrom<EcrSpecFields> for EcrSpec {
    type Error = Error;

    fn try_from(fields: EcrSpecFields) -> Result<Self> {
        Self::new(fields.repositories)
    }
}

impl From<EcrSpec> for EcrSpecFields {
    fn from(spec: EcrSpec) -> Self {
        Self {
            repositories: spec.repositories.into_iter().collect(),
        }
    }
}

impl EcrSpec {
    /// Validates the repositories, keyed by name, by the module's rules.
    ///
    /// # Errors
    /// [`Error::Invalid`] when there is no repository (`ecr.repositories`), a name is not an
    /// ECR repository name (`ecr.repositories`), a name repeats, or a retention is zero
    /// (`ecr.repositories.<name>.keep_tagged_images` / `.untagged_expiry_days`).
    pub fn new(
        repositories: impl IntoIterator<Item = (impl Into<String>, Repository)>,
    ) -> Result<Self> {
        let mut checked = BTreeMap::new();
        for (name, repository) in repositories {
            let name = name.into();
            check_repository_name(&name)?;
            for (leaf, value) in [
                ("keep_tagged_images", repository.keep_tagged_images),
                ("untagged_expiry_days", repository.untagged_expiry_days),
            ] {
                if value < 1 {
                    return Err(Error::invalid(
                        &["ecr.repositories.", name.as_str(), ".", leaf].concat(),
                        value,
                        "keep_tagged_images and untagged_expiry_days must be at least 1",
                    ));
                }
            }
            if checked.insert(name.clone(), repository).is_some() {
                return Err(Error::invalid(
                    "ecr.repositories",
                    name,
                    "each repository needs its own name",
                ));
            }
        }
        if checked.is_empty() {
            return Err(Error::invalid(
                "ecr.repositories",
                "{}",
                "define at least one repository",
            ));
        }
        Ok(Self {
            repositories: checked,
        })
    }

    /// The repositories, by name.
    #[must_use]
    pub fn repositories(&self) -> &BTreeMap<String, Repository> {
        &self.repositories
    }

    /// The module call's inputs with these values.
    #[must_use]
    pub fn inputs(&self) -> EcrInputs {
        EcrInputs {
            repositories: Some(
                Expr::object(self.repositories.iter().map(|(name, repository)| {
                    (
                        name.as_str(),
                        Expr::object([
                            ("keep_tagged_images", repository.keep_tagged_images),
                            ("untagged_expiry_days", repository.untagged_expiry_days),
                        ]),
                    )
                }))
                .into(),
            ),
            tags: None,
        }
    }
}

/// Checks an ECR repository name: 2 to 256 lowercase letters and digits, separated by `.`, `_`,
/// `-` and `/`.
///
/// # Errors
/// [`Error::Invalid`] (field `ecr.repositories`) otherwise.
pub fn check_repository_name(name: &str) -> Result<()> {
    if (MIN_REPOSITORY_NAME..=MAX_REPOSITORY_NAME).contains(&name.len())
        && matches_repository_name_pattern(name)
    {
        Ok(())
    } else {
        Err(Error::invalid(
            "ecr.repositories",
            name,
            "a repository name is 2-256 lowercase characters, digits and . _ - / separators (e.g. acme-app)",
        ))
    }
}

bkt_core::terraform_kind! {
    /// The inputs of a call of the ecr module: one field per variable of the module.
    pub module EcrInputs => "ecr" {
        /// `repositories`.
        repositories,
        /// `tags`.
        tags,
    }
    /// The outputs of the ecr module.
    pub ref EcrOutputs { repository_urls, repository_arns, kms_key_arn }
}

/// The ecr module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EcrModule {
    /// Default of each repository's `keep_tagged_images` and `untagged_expiry_days`.
    pub repository_defaults: Repository,
    /// Minimum Terraform version.
    pub required_version: String,
    /// Minimum `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for EcrModule {
    fn default() -> Self {
        Self {
            repository_defaults: Repository::default(),
            required_version: ">= 1.11.0".to_owned(),
            aws_provider_version: ">= 5.100.0".to_owned(),
        }
    }
}

impl EcrModule {
    fn repositories_variable(&self) -> Variable {
        let defaults = self.repository_defaults;
        Variable::new(
            name!("repositories"),
            "ECR repositories keyed by name. keep_tagged_images: how many tagged images to keep; untagged_expiry_days: when untagged images (old build layers) expire.",
            Type::Map(Box::new(Type::Object(vec![
                Field::defaulted(
                    name!("keep_tagged_images"),
                    Type::Number,
                    defaults.keep_tagged_images,
                ),
                Field::defaulted(
                    name!("untagged_expiry_days"),
                    Type::Number,
                    defaults.untagged_expiry_days,
                ),
            ]))),
        )
        .validate(
            |repositories| length(repositories).binary(BinOp::Greater, 0),
            "repositories must define at least one repository.",
        )
        .validate(
            |repositories| {
                alltrue(Expr::for_list(&name!("name"), keys(repositories), |name| {
                    can(regex(REPOSITORY_NAME_PATTERN, name.clone()))
                        .and(length(name.clone()).at_least(MIN_REPOSITORY_NAME))
                        .and(length(name).at_most(MAX_REPOSITORY_NAME))
                }))
            },
            "repository names must be 2-256 lowercase characters, digits and . _ - / separators (e.g. acme-app).",
        )
        .validate(
            |repositories| {
                alltrue(Expr::for_list(
                    &name!("repository"),
                    values(repositories),
                    |repository| {
                        repository
                            .clone()
                            .attr(&name!("keep_tagged_images"))
                            .at_least(1)
                            .and(repository.attr(&name!("untagged_expiry_days")).at_least(1))
                    },
                ))
            },
            "keep_tagged_images and untagged_expiry_days must be at least 1.",
        )
    }

    /// The module's files, by file name, without headers.
    ///
    /// # Errors
    /// A KMS model error (none for the values this module sets).
    #[allow(
        clippy::too_many_lines,
        reason = "one module, read top to bottom like its main.tf"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let repositories = self.repositories_variable();
        let tags = Variable::new(
            name!("tags"),
            "Tags added to every resource of the module.",
            Type::Map(Box::new(Type::String)),
        )
        .default(Expr::object::<&str, Expr>([]));
        let caller = Data::new(name!("current"), CallerIdentity::default());
        let partition = Data::new(name!("current"), Partition::default());
        let key = kms::Key::builder(
            name!("this"),
            "ECR image encryption",
            Account {
                partition: partition.get().partition(),
                account_id: caller.get().account_id(),
            },
        )
        .tags(tags.reference())
        .build()?;
        let repository = Resource::new(
            name!("this"),
            EcrRepository {
                name: Some(Expr::each_key().into()),
                image_tag_mutability: Some(Arg::from(IMAGE_TAG_MUTABILITY).why(
                    "Immutable tags: a git SHA always names the same image, so GitOps rollbacks are exact.",
                )),
                tags: Some(tags.reference().into()),
                image_scanning_configuration: Some(ImageScanningConfiguration {
                    scan_on_push: Some(true.into()),
                    why: None,
                }),
                encryption_configuration: Some(EncryptionConfiguration {
                    encryption_type: Some("KMS".into()),
                    kms_key: Some(key.key().get().arn().into()),
                    why: None,
                }),
            },
        )
        .for_each(repositories.reference());
        let each = |field: &bkt_core::Name| Expr::each_value().attr(field);
        let expire = || Expr::object([("type", "expire")]);
        let lifecycle = Resource::new(
            name!("this"),
            EcrLifecyclePolicy {
                repository: Some(repository.at(Expr::each_key()).name().into()),
                policy: Some(
                    jsonencode(Expr::object([(
                        "rules",
                        Expr::list([
                            Expr::object([
                                ("rulePriority", Expr::from(1)),
                                (
                                    "description",
                                    Expr::template([
                                        "Expire untagged images after ".into(),
                                        each(&name!("untagged_expiry_days")),
                                        " days".into(),
                                    ]),
                                ),
                                (
                                    "selection",
                                    Expr::object([
                                        ("tagStatus", Expr::from("untagged")),
                                        ("countType", "sinceImagePushed".into()),
                                        ("countUnit", "days".into()),
                                        ("countNumber", each(&name!("untagged_expiry_days"))),
                                    ]),
                                ),
                                ("action", expire()),
                            ]),
                            Expr::object([
                                ("rulePriority", Expr::from(2)),
                                (
                                    "description",
                                    Expr::template([
                                        "Keep the last ".into(),
                                        each(&name!("keep_tagged_images")),
                                        " tagged images".into(),
                                    ]),
                                ),
                                (
                                    "selection",
                                    Expr::object([
                                        ("tagStatus", Expr::from("tagged")),
                                        ("tagPatternList", Expr::list(["*"])),
                                        ("countType", "imageCountMoreThan".into()),
                                        ("countNumber", each(&name!("keep_tagged_images"))),
                                    ]),
                                ),
                                ("action", expire()),
                            ]),
                        ]),
                    )]))
                    .into(),
                ),
            },
        )
        .for_each(repositories.reference());

        let mut main = File::new();
        main.push(caller.to_block()).push(partition.to_block());
        for block in key.to_blocks() {
            main.push(block);
        }
        main.push(repository.to_block()).push(lifecycle.to_block());

        let (repo, repo_name) = (name!("repository"), name!("name"));
        let by_name = |attr: &bkt_core::Name| {
            Expr::for_map((&repo_name, &repo), repository.all(), |name, repository| {
                (name, repository.attr(attr))
            })
        };
        let mut outputs = File::new();
        for output in [
            Output::new(
                name!("repository_urls"),
                "Repository URLs (registry/name, no tag), keyed by repository name.",
                by_name(&name!("repository_url")),
            ),
            Output::new(
                name!("repository_arns"),
                "Repository ARNs, keyed by repository name (scope for push permissions).",
                by_name(&name!("arn")),
            ),
            Output::new(
                name!("kms_key_arn"),
                "KMS key encrypting the images.",
                key.key().get().arn(),
            ),
        ] {
            outputs.push(output.to_block());
        }
        let mut variables = File::new();
        variables
            .push(repositories.to_block())
            .push(tags.to_block());
        let mut versions = File::new();
        versions.push(
            bkt_oidc::aws::aws_settings(&self.required_version, &self.aws_provider_version)
                .to_block(),
        );
        Ok(vec![
            ("main.tf", main),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("versions.tf", versions),
        ])
    }

    /// The module as a tree of generated files, headers included.
    ///
    /// # Errors
    /// As [`EcrModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }
}

#[cfg(test)]
mod tests;
