//! The `github-oidc` Terraform module: the GitHub Actions OIDC provider (created, or the
//! account's existing one) and IAM roles from a map, each trusted from one repository and one
//! branch or environment — as typed values, rendered to `.tf` files.

use bkt_core::hcl::func::{
    alltrue, can, coalesce, jsondecode, keys, merge_all, regex, startswith, values,
};
use bkt_core::hcl::{
    BinOp, Data, Expr, Field, File, Local, Locals, Output, Resource, Type, Variable,
};
use bkt_core::{Tree, name};

use crate::Result;
use crate::aws::{
    IamOpenidConnectProvider, IamOpenidConnectProviderData, IamRole, IamRolePolicy,
    IamRolePolicyAttachment,
};
use crate::github::{
    CLAIM_BRANCH, CLAIM_ENVIRONMENT, CLAIM_REPOSITORY, ISSUER_HOST, JOB_WORKFLOW_REF_KEY,
    REF_NAME_PATTERN, REFS_PREFIX, REPOSITORY_PATTERN, ROLE_NAME_PATTERN, WORKFLOW_PATTERN,
};
use crate::policy::{
    ASSUME_ROLE_WITH_WEB_IDENTITY, AUDIENCE_KEY, Operator, PolicyDocument, Principal, STS_AUDIENCE,
    SUBJECT_KEY, Statement,
};

bkt_core::terraform_kind! {
    /// The inputs of a call of the github-oidc module: one field per variable of the module.
    pub module GithubOidcInputs => "github-oidc" {
        /// `create_provider`: create the provider, or use the account's existing one.
        create_provider,
        /// `roles`: the roles keyed by name (see [`crate::GitHubRole::module_entry`]).
        roles,
        /// `tags`.
        tags,
    }
    /// The outputs of the github-oidc module.
    pub ref GithubOidcOutputs {
        provider_arn,
        role_arns,
        role_subjects,
        role_policies,
        role_managed_policies,
    }
}

/// The github-oidc module; its fields are what a platform may change about it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GithubOidcModule {
    /// Default of `create_provider`.
    pub create_provider: bool,
    /// Longest session of every role, in seconds.
    pub max_session_duration: u32,
    /// Minimum Terraform version.
    pub required_version: String,
    /// Minimum `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for GithubOidcModule {
    fn default() -> Self {
        Self {
            create_provider: true,
            max_session_duration: 3600,
            required_version: ">= 1.11.0".to_owned(),
            aws_provider_version: ">= 5.100.0".to_owned(),
        }
    }
}

/// The module's input variables, kept together so resources can refer to them.
struct Inputs {
    create_provider: Variable,
    roles: Variable,
    tags: Variable,
}

impl GithubOidcModule {
    fn inputs(&self) -> Inputs {
        Inputs {
            create_provider: Variable::new(
                name!("create_provider"),
                "true: create the account's GitHub Actions OIDC provider; false: use the one that already exists (an account can hold only one per URL).",
                Type::Bool,
            )
            .default(self.create_provider),
            roles: roles_variable(),
            tags: Variable::new(
                name!("tags"),
                "Tags added to every resource of the module.",
                Type::Map(Box::new(Type::String)),
            )
            .default(Expr::object::<&str, Expr>([])),
        }
    }

    /// ```
    /// use bkt_oidc::GithubOidcModule;
    /// let module = GithubOidcModule { create_provider: false, ..GithubOidcModule::default() };
    /// let tree = module.to_tree("my-generator")?;
    /// let variables = std::str::from_utf8(tree.get("variables.tf").unwrap()).unwrap();
    /// assert!(variables.contains("  default     = false\n"));
    /// # Ok::<(), bkt_oidc::Error>(())
    /// ```
    ///
    /// The module's files, by file name (`main.tf`, `variables.tf` …), without headers.
    ///
    /// # Errors
    /// A policy model error (none for the documents this module writes).
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let inputs = self.inputs();
        let (mut main, mut outputs) = (File::new(), File::new());
        let (mut variables, mut versions) = (File::new(), File::new());
        self.main(&inputs, &mut main, &mut outputs)?;
        for variable in [&inputs.create_provider, &inputs.roles, &inputs.tags] {
            variables.push(variable.to_block());
        }
        versions.push(
            crate::aws::aws_settings(&self.required_version, &self.aws_provider_version).to_block(),
        );
        Ok(vec![
            ("main.tf", main),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("versions.tf", versions),
        ])
    }

    /// The module as a tree of generated files (`main.tf` …), headers included.
    ///
    /// # Errors
    /// As [`GithubOidcModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one module, read top to bottom like its main.tf"
    )]
    fn main(&self, inputs: &Inputs, main: &mut File, outputs: &mut File) -> Result<()> {
        let var_roles = inputs.roles.reference();
        let var_tags = inputs.tags.reference();
        let create_provider = inputs.create_provider.reference();
        let (name_var, role_var) = (name!("name"), name!("role"));

        let issuer_host = Local::new(name!("issuer_host"), ISSUER_HOST);
        let issuer_url = || Expr::template(["https://".into(), issuer_host.reference()]);
        let provider = Resource::new(
            name!("github"),
            IamOpenidConnectProvider {
                url: Some(issuer_url().into()),
                client_id_list: Some(Expr::list([STS_AUDIENCE]).into()),
                tags: Some(var_tags.clone().into()),
                ..IamOpenidConnectProvider::default()
            },
        )
        .count(create_provider.clone().then_else(1, 0));
        let existing = Data::new(
            name!("github"),
            IamOpenidConnectProviderData {
                url: Some(issuer_url().into()),
                ..IamOpenidConnectProviderData::default()
            },
        )
        .count(create_provider.clone().then_else(0, 1));
        let provider_arn = Local::new(
            name!("provider_arn"),
            create_provider.then_else(provider.at(0).arn(), existing.at(0).arn()),
        );
        let [subjects, workflow_refs, managed_policy_attachments] = role_locals(&var_roles);

        let issuer_key = |claim: &str| Expr::template([issuer_host.reference(), claim.into()]);
        let trust = PolicyDocument::new([Statement::allow()
            .principal(Principal::federated(provider_arn.reference()))
            .action(ASSUME_ROLE_WITH_WEB_IDENTITY)
            .condition(
                Operator::StringEquals,
                issuer_key(AUDIENCE_KEY),
                STS_AUDIENCE,
            )?
            .condition(
                Operator::StringEquals,
                issuer_key(SUBJECT_KEY),
                subjects.reference().index(Expr::each_key()),
            )?
            .condition(
                Operator::StringLike,
                issuer_key(JOB_WORKFLOW_REF_KEY),
                workflow_refs.reference().index(Expr::each_key()),
            )?]);
        let roles = Resource::new(
            name!("this"),
            IamRole {
                name: Some(Expr::each_key().into()),
                description: Some(
                    Expr::template([
                        "GitHub Actions: ".into(),
                        subjects.reference().index(Expr::each_key()),
                    ])
                    .into(),
                ),
                max_session_duration: Some(self.max_session_duration.into()),
                assume_role_policy: Some(trust.to_json().into()),
                tags: Some(var_tags.into()),
            },
        )
        .for_each(var_roles.clone());
        let policies = Resource::new(
            name!("this"),
            IamRolePolicy {
                name: Some(Expr::template([Expr::each_key(), "-permissions".into()]).into()),
                role: Some(roles.at(Expr::each_key()).id().into()),
                policy: Some(Expr::each_value().attr(&name!("policy_json")).into()),
            },
        )
        .for_each(Expr::for_map_if(
            (&name_var, &role_var),
            var_roles.clone(),
            |name, role| (name, role),
            |_, role| {
                role.attr(&name!("policy_json"))
                    .binary(BinOp::NotEq, Expr::null())
            },
        ));
        let attachments = Resource::new(
            name!("this"),
            IamRolePolicyAttachment {
                role: Some(
                    roles
                        .at(Expr::each_value().attr(&name!("role")))
                        .name()
                        .into(),
                ),
                policy_arn: Some(Expr::each_value().attr(&name!("policy_arn")).into()),
            },
        )
        .for_each(managed_policy_attachments.reference());

        main.push(
            Locals {
                groups: vec![
                    vec![issuer_host.clone()],
                    vec![provider_arn.clone()],
                    vec![subjects.clone()],
                    vec![workflow_refs],
                    vec![managed_policy_attachments],
                ],
            }
            .to_block(),
        );
        main.push(provider.to_block())
            .push(existing.to_block())
            .push(roles.to_block())
            .push(policies.to_block())
            .push(attachments.to_block());

        outputs_of(&inputs.roles, &provider_arn, &subjects, &roles, outputs);
        Ok(())
    }
}

/// The locals made from each role of `roles`: the `sub` claim it trusts, the workflow file it
/// trusts, and its managed policy attachments keyed `<role>/<policy ARN>`.
fn role_locals(var_roles: &Expr) -> [Local; 3] {
    let (name_var, role_var) = (name!("name"), name!("role"));
    let role_attr = |role: &Expr, field: &bkt_core::Name| role.clone().attr(field);
    let subjects = Local::new(
        name!("subjects"),
        Expr::for_map((&name_var, &role_var), var_roles.clone(), |name, role| {
            let repository = role_attr(&role, &name!("repository"));
            let branch = role_attr(&role, &name!("branch"));
            let subject = branch
                .clone()
                .binary(BinOp::NotEq, Expr::null())
                .then_else(
                    Expr::template([
                        CLAIM_REPOSITORY.into(),
                        repository.clone(),
                        CLAIM_BRANCH.into(),
                        branch,
                    ]),
                    Expr::template([
                        CLAIM_REPOSITORY.into(),
                        repository,
                        CLAIM_ENVIRONMENT.into(),
                        role_attr(&role, &name!("environment")),
                    ]),
                )
                .parenthesized();
            (name, subject)
        }),
    )
    .why(
        "The sub claim names one repository and one branch or environment; a StringEquals (never\nStringLike) match keeps pull requests, other branches and other repositories out.",
    );
    let workflow_refs = Local::new(
        name!("workflow_refs"),
        Expr::for_map((&name_var, &role_var), var_roles.clone(), |name, role| {
            let workflow = role_attr(&role, &name!("workflow"));
            let reference = Expr::template([
                role_attr(&role, &name!("repository")),
                "/".into(),
                coalesce([workflow, "*".into()]),
                "@*".into(),
            ]);
            (name, reference)
        }),
    )
    .why(
        "job_workflow_ref: the workflow file a role trusts, at any ref (the sub claim pins the branch or\nenvironment); without workflow, any file of the repository.",
    );
    let managed_policy_attachments = Local::new(
        name!("managed_policy_attachments"),
        merge_all(Expr::for_list_entries(
            (&name_var, &role_var),
            var_roles.clone(),
            |name, role| {
                Expr::for_map_values(
                    &name!("arn"),
                    role_attr(&role, &name!("managed_policy_arns")),
                    |arn| {
                        (
                            Expr::template([name.clone(), "/".into(), arn.clone()]),
                            Expr::object([("role", name), ("policy_arn", arn)]),
                        )
                    },
                )
            },
        )),
    );
    [subjects, workflow_refs, managed_policy_attachments]
}

/// `outputs.tf`.
/// The `roles` input: one object per role, and the rules that keep each trust narrow.
fn roles_variable() -> Variable {
    let every_role = |roles: Expr, rule: &dyn Fn(Expr) -> Expr| {
        alltrue(Expr::for_list(&name!("role"), values(roles), rule))
    };
    let branch_or_environment = |role: Expr| {
        coalesce([
            role.clone().attr(&name!("branch")),
            role.attr(&name!("environment")),
            "-".into(),
        ])
    };
    Variable::new(
            name!("roles"),
            "IAM roles GitHub Actions may assume, keyed by role name. Each is trusted from exactly one repository\n(owner/repo) and exactly one branch or one GitHub environment, and - with workflow - only from that\nworkflow file (job_workflow_ref). Permissions come from policy_json (an inline policy document)\nand/or managed_policy_arns.",
            Type::Map(Box::new(Type::Object(vec![
                Field::required(name!("repository"), Type::String),
                Field::optional(name!("branch"), Type::String),
                Field::optional(name!("environment"), Type::String),
                Field::optional(name!("workflow"), Type::String),
                Field::optional(name!("policy_json"), Type::String),
                Field::defaulted(
                    name!("managed_policy_arns"),
                    Type::List(Box::new(Type::String)),
                    Expr::list(Vec::<Expr>::new()),
                ),
            ]))),
        )
        .validate(
            |roles| {
                alltrue(Expr::for_list(&name!("name"), keys(roles), |name| {
                    can(regex(ROLE_NAME_PATTERN, name))
                }))
            },
            "roles keys are IAM role names: 1-64 characters of letters, digits and +=,.@_-.",
        )
        .validate(
            |roles| {
                every_role(roles, &|role| {
                    can(regex(REPOSITORY_PATTERN, role.attr(&name!("repository"))))
                })
            },
            "roles[*].repository must be exactly one repository as owner/repo, without wildcards (e.g. example-org/platform).",
        )
        .validate(
            |roles| {
                every_role(roles, &|role| {
                    role.clone()
                        .attr(&name!("branch"))
                        .equals(Expr::null())
                        .parenthesized()
                        .binary(
                            BinOp::NotEq,
                            role.attr(&name!("environment"))
                                .equals(Expr::null())
                                .parenthesized(),
                        )
                })
            },
            "each role needs exactly one of branch or environment: it becomes the token's sub claim, and a role without one would trust every workflow run of the repository.",
        )
        .validate(
            |roles| {
                every_role(roles, &|role| {
                    can(regex(REF_NAME_PATTERN, branch_or_environment(role.clone())))
                        .and(!startswith(branch_or_environment(role), REFS_PREFIX))
                })
            },
            "roles[*].branch/environment must be one literal name such as main or dev: no wildcards (* ?), no refs/ prefix.",
        )
        .validate(
            |roles| {
                every_role(roles, &|role| {
                    let workflow = role.attr(&name!("workflow"));
                    workflow
                        .clone()
                        .equals(Expr::null())
                        .or(can(regex(WORKFLOW_PATTERN, workflow)))
                })
            },
            "roles[*].workflow must be a workflow file of the repository such as .github/workflows/release.yml (no wildcards).",
        )
        .validate(
            |roles| {
                every_role(roles, &|role| {
                    let policy = role.attr(&name!("policy_json"));
                    policy
                        .clone()
                        .equals(Expr::null())
                        .or(can(jsondecode(policy).attr(&name!("Statement"))))
                })
            },
            "roles[*].policy_json must be a JSON IAM policy document with a Statement.",
        )
}

fn outputs_of(
    roles_variable: &Variable,
    provider_arn: &Local,
    subjects: &Local,
    roles: &Resource<IamRole>,
    outputs: &mut File,
) {
    let var_roles = roles_variable.reference();
    let (name_var, role_var) = (name!("name"), name!("role"));
    let role_map = |value: &dyn Fn(Expr) -> Expr| {
        Expr::for_map((&name_var, &role_var), var_roles.clone(), |name, role| {
            (name, value(role))
        })
    };
    for output in [
        Output::new(
            name!("provider_arn"),
            "ARN of the GitHub Actions OIDC provider.",
            provider_arn.reference(),
        ),
        Output::new(
            name!("role_arns"),
            "Role ARNs keyed by role name (set them as repository variables for the workflows).",
            Expr::for_map((&name_var, &role_var), roles.all(), |name, role| {
                (name, role.attr(&name!("arn")))
            }),
        ),
        Output::new(
            name!("role_subjects"),
            "The sub claim each role trusts, keyed by role name.",
            subjects.reference(),
        ),
        Output::new(
            name!("role_policies"),
            "Inline policy document of each role (null when it has none), keyed by role name.",
            role_map(&|role| role.attr(&name!("policy_json"))),
        ),
        Output::new(
            name!("role_managed_policies"),
            "Managed policy ARNs attached to each role, keyed by role name.",
            role_map(&|role| role.attr(&name!("managed_policy_arns"))),
        ),
    ] {
        outputs.push(output.to_block());
    }
}
