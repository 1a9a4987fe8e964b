//! The dns Terraform module: the public zone (created, or looked up with `count`), the ACM
//! certificate for the domain and its wildcard, its one validation record and the bounded wait
//! for issuance — as typed values, rendered to `.tf` files.

use bkt_core::hcl::func::{can, join, length, one, regex};
use bkt_core::hcl::{
    BinOp, Data, Expr, File, Lifecycle, Local, Locals, Output, Resource, Type, Variable,
};
use bkt_core::{Tree, name};

use super::spec::{
    DOMAIN_PATTERN, DnsSpec, MAX_DOMAIN_LEN, VALIDATION_TIMEOUT_PATTERN, ValidationTimeout,
    ZONE_ID_PATTERN,
};
use crate::Result;
use crate::aws::{
    AcmCertificate, AcmCertificateValidation, AcmCertificateValidationTimeouts, Route53Record,
    Route53Zone, Route53ZoneData,
};

bkt_core::terraform_kind! {
    /// The inputs of a call of the dns module (`module "dns" { source = … }`): one field per
    /// variable of [`DnsModule`], so a root that misspells an input does not compile.
    pub module DnsInputs => "dns" {
        /// Base domain of the platform (e.g. `dev.example.com`).
        domain,
        /// `true`: create the public zone; `false`: look up the existing one.
        create_zone,
        /// How long to wait for ACM to issue the certificate (`45m`, `1h`).
        validation_timeout,
        /// The parent domain's public zone, when it is in the same account: the module writes
        /// the delegation there.
        parent_zone_id,
        /// Tags added to every resource of the module.
        tags,
    }
    /// The outputs of the dns module, as typed references (`module.dns.zone_id` …).
    pub ref DnsOutputs { zone_id, zone_arn, name_servers, certificate_arn, delegation_step }
}

impl DnsSpec {
    /// The module call's inputs carrying this spec's values (tags only when there are any).
    #[must_use]
    pub fn to_inputs(&self) -> DnsInputs {
        let tags = (!self.tags().is_empty()).then(|| {
            Expr::object(
                self.tags()
                    .iter()
                    .map(|(key, value)| (key.as_str(), value.as_str())),
            )
            .into()
        });
        DnsInputs {
            domain: Some(self.domain().as_str().into()),
            create_zone: Some(self.create_zone().into()),
            validation_timeout: Some(self.validation_timeout().to_string().into()),
            parent_zone_id: None,
            tags,
        }
    }
}

/// The dns module: the defaults of its optional inputs and the versions it requires.
///
/// Its files are `main.tf` (the zone: created with `count = var.create_zone ? 1 : 0`, or looked
/// up with the opposite count), `certificate.tf` (certificate, validation record, the wait),
/// `variables.tf`, `outputs.tf` and `versions.tf`.
///
/// The wait is bounded on purpose: ACM keeps the certificate `PENDING_VALIDATION` for as long
/// as the registrar or parent zone does not delegate the domain to the zone's name servers
/// (output `name_servers`); the apply then fails after `validation_timeout` with ACM's timeout
/// error instead of hanging.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DnsModule {
    /// Default of `create_zone`.
    pub create_zone: bool,
    /// Default of `validation_timeout`.
    pub validation_timeout: ValidationTimeout,
    /// Minimum Terraform version.
    pub required_version: String,
    /// Minimum `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for DnsModule {
    fn default() -> Self {
        Self {
            create_zone: true,
            validation_timeout: ValidationTimeout::DEFAULT,
            required_version: ">= 1.11.0".to_owned(),
            aws_provider_version: ">= 5.100.0".to_owned(),
        }
    }
}

/// The module's input variables, kept together so resources can refer to them.
struct Inputs {
    domain: Variable,
    create_zone: Variable,
    validation_timeout: Variable,
    parent_zone_id: Variable,
    tags: Variable,
}

impl Inputs {
    fn all(&self) -> [&Variable; 5] {
        [
            &self.domain,
            &self.create_zone,
            &self.validation_timeout,
            &self.parent_zone_id,
            &self.tags,
        ]
    }
}

impl DnsModule {
    fn inputs(&self) -> Inputs {
        Inputs {
            domain: Variable::new(
                name!("domain"),
                "Base domain of the platform (e.g. dev.example.com); services live at <service>.<domain>.",
                Type::String,
            )
            .validate(
                |domain| can(regex(DOMAIN_PATTERN, domain)),
                "domain must be a lowercase DNS name with at least two labels and no trailing dot, e.g. dev.example.com.",
            )
            .validate(
                |domain| length(domain).at_most(MAX_DOMAIN_LEN),
                "domain must be at most 64 characters: ACM writes it into the certificate's common name, which RFC 5280 limits to 64.",
            ),
            create_zone: Variable::new(
                name!("create_zone"),
                "true: create a public Route 53 zone for domain (delegate it from the parent afterwards); false: look up the existing public zone.",
                Type::Bool,
            )
            .default(self.create_zone),
            validation_timeout: Variable::new(
                name!("validation_timeout"),
                "How long to wait for ACM to issue the certificate. It stays PENDING_VALIDATION until the parent domain delegates to the zone's name servers.",
                Type::String,
            )
            .default(self.validation_timeout.to_string())
            .validate(
                |timeout| can(regex(VALIDATION_TIMEOUT_PATTERN, timeout)),
                "validation_timeout must be a duration in minutes or hours such as 45m or 1h.",
            ),
            parent_zone_id: Variable::new(
                name!("parent_zone_id"),
                "ID of the parent domain's public Route 53 zone when it is in this account: the module writes the delegation (NS record) there, so the certificate validates with no manual step. null: delegate by hand (output delegation_step).",
                Type::String,
            )
            .default(Expr::null())
            .validate(
                |id| {
                    id.clone()
                        .equals(Expr::null())
                        .or(can(regex(ZONE_ID_PATTERN, id)))
                },
                "parent_zone_id must be a Route 53 zone ID such as Z0123456789ABCDEFGHIJ (uppercase letters and digits), or null.",
            ),
            tags: Variable::new(
                name!("tags"),
                "Tags added to every resource of the module.",
                Type::Map(Box::new(Type::String)),
            )
            .default(Expr::object::<&str, Expr>([])),
        }
    }

    /// The module's files, by file name (`main.tf`, `certificate.tf` …), without headers.
    ///
    /// # Errors
    /// None today: every value is validated by its type. The `Result` leaves room for models
    /// whose checks can only run once the whole module is assembled.
    #[allow(
        clippy::too_many_lines,
        reason = "one module, read top to bottom like its files"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let inputs = self.inputs();
        let var_domain = inputs.domain.reference();
        let var_create_zone = inputs.create_zone.reference();
        let var_tags = inputs.tags.reference();

        let zone = Resource::new(
            name!("this"),
            Route53Zone {
                name: Some(var_domain.clone().into()),
                comment: Some(
                    Expr::template(["BKT Platform public zone for ".into(), var_domain.clone()])
                        .into(),
                ),
                tags: Some(var_tags.clone().into()),
            },
        )
        .count(var_create_zone.clone().then_else(1, 0));
        let existing = Data::new(
            name!("existing"),
            Route53ZoneData {
                name: Some(var_domain.clone().into()),
                private_zone: Some(false.into()),
            },
        )
        .count(var_create_zone.clone().then_else(0, 1));
        let created_or_existing =
            |created: Expr, existing: Expr| var_create_zone.clone().then_else(created, existing);
        let zone_id = Local::new(
            name!("zone_id"),
            created_or_existing(zone.at(0).zone_id(), existing.at(0).zone_id()),
        );
        let name_servers = Local::new(
            name!("name_servers"),
            created_or_existing(zone.at(0).name_servers(), existing.at(0).name_servers()),
        );

        let var_parent = inputs.parent_zone_id.reference();
        let delegation = Resource::new(
            name!("delegation"),
            Route53Record {
                zone_id: Some(var_parent.clone().into()),
                name: Some(var_domain.clone().into()),
                r#type: Some("NS".into()),
                records: Some(name_servers.reference().into()),
                ttl: Some(300.into()),
                allow_overwrite: None,
            },
        )
        .count(
            var_create_zone
                .clone()
                .and(var_parent.clone().binary(BinOp::NotEq, Expr::null()))
                .then_else(1, 0),
        );

        let (certificate_file, certificate_arn) = certificate(
            &var_domain,
            var_tags,
            zone_id.reference(),
            inputs.validation_timeout.reference(),
            &delegation,
        );

        let mut main = File::new();
        main.push(zone.to_block())
            .push(existing.to_block())
            .push(
                Locals {
                    groups: vec![vec![zone_id.clone(), name_servers.clone()]],
                }
                .to_block(),
            )
            .push(delegation.to_block().why(
                "The delegation, when the parent zone is in this account (parent_zone_id): the certificate's DNS\nvalidation resolves only once the parent points at this zone, so the wait depends on it.",
            ));

        let outputs = outputs_file(
            zone_id.reference(),
            created_or_existing(zone.at(0).arn(), existing.at(0).arn()),
            name_servers.reference(),
            certificate_arn,
            (var_create_zone, var_parent, var_domain),
        );

        let mut variables = File::new();
        for variable in inputs.all() {
            variables.push(variable.to_block());
        }
        let mut versions = File::new();
        versions.push(
            bkt_oidc::aws::aws_settings(&self.required_version, &self.aws_provider_version)
                .to_block(),
        );
        Ok(vec![
            ("main.tf", main),
            ("certificate.tf", certificate_file),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("versions.tf", versions),
        ])
    }

    /// The module as a tree of generated files (`main.tf` …), headers included.
    ///
    /// # Errors
    /// As [`DnsModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }
}

/// `certificate.tf`: the certificate of the domain and its wildcard, its DNS validation record in
/// the zone, and the wait for it to be issued (after the delegation); with the issued
/// certificate's ARN.
fn certificate(
    var_domain: &Expr,
    var_tags: Expr,
    zone_id: Expr,
    validation_timeout: Expr,
    delegation: &Resource<Route53Record>,
) -> (File, Expr) {
    let certificate = Resource::new(
        name!("this"),
        AcmCertificate {
            domain_name: Some(var_domain.clone().into()),
            subject_alternative_names: Some(
                Expr::list([Expr::template(["*.".into(), var_domain.clone()])]).into(),
            ),
            validation_method: Some("DNS".into()),
            tags: Some(var_tags.into()),
        },
    )
    .lifecycle(Lifecycle {
        create_before_destroy: true,
        why: Some(
            "Listeners keep using the old certificate until the replacement is issued.".into(),
        ),
        ..Lifecycle::default()
    });
    let option = name!("option");
    let validation = Local::new(
        name!("validation"),
        one(Expr::for_list_if(
            &option,
            certificate.get().domain_validation_options(),
            |option| option,
            |option| {
                option
                    .attr(&name!("domain_name"))
                    .equals(var_domain.clone())
            },
        )),
    )
    .why(
        "ACM gives the apex and its wildcard the same validation record, so the apex's record validates both.\nSelecting it by the configured name keeps the record a singleton known at plan time.",
    );
    let validation_attr = |attribute| validation.reference().attr(attribute);
    let record = Resource::new(
        name!("validation"),
        Route53Record {
            zone_id: Some(zone_id.into()),
            name: Some(validation_attr(&name!("resource_record_name")).into()),
            r#type: Some(validation_attr(&name!("resource_record_type")).into()),
            records: Some(Expr::list([validation_attr(&name!("resource_record_value"))]).into()),
            ttl: Some(300.into()),
            allow_overwrite: Some(true.into()),
        },
    );
    let wait = Resource::new(
        name!("this"),
        AcmCertificateValidation {
            certificate_arn: Some(certificate.get().arn().into()),
            validation_record_fqdns: Some(Expr::list([record.get().fqdn()]).into()),
            timeouts: Some(AcmCertificateValidationTimeouts {
                create: Some(validation_timeout.into()),
                why: Some(
                    "ACM stays PENDING_VALIDATION until the registrar or parent zone delegates to this zone's name servers.\nFail after validation_timeout with ACM's timeout error instead of waiting the provider's default 75 minutes."
                        .into(),
                ),
            }),
        },
    )
    .depends_on(delegation);

    let mut certificate_file = File::new();
    certificate_file
        .push(certificate.to_block())
        .push(
            Locals {
                groups: vec![vec![validation]],
            }
            .to_block(),
        )
        .push(record.to_block())
        .push(wait.to_block());
    (certificate_file, wait.get().certificate_arn())
}

/// `outputs.tf`: the zone, its name servers, the certificate, and the delegation step left to do
/// by hand (from the `create_zone`, `parent_zone_id` and `domain` variables), or null.
fn outputs_file(
    zone_id: Expr,
    zone_arn: Expr,
    name_servers: Expr,
    certificate_arn: Expr,
    (var_create_zone, var_parent, var_domain): (Expr, Expr, Expr),
) -> File {
    let mut outputs = File::new();
    for output in [
        Output::new(name!("zone_id"), "ID of the public Route 53 zone.", zone_id),
        Output::new(
            name!("zone_arn"),
            "ARN of the public Route 53 zone (scope for external-dns).",
            zone_arn,
        ),
        Output::new(
            name!("name_servers"),
            "Name servers to delegate the domain to from its parent zone or registrar.",
            name_servers.clone(),
        ),
        Output::new(
            name!("delegation_step"),
            "The one manual step left, or null: the NS record to create in the parent zone when the module did not write it (parent_zone_id unset and the zone created here).",
            var_create_zone
                .clone()
                .and(var_parent.equals(Expr::null()))
                .then_else(
                    Expr::template([
                        "At the parent of ".into(),
                        var_domain.clone(),
                        " (its zone or registrar), create the record: ".into(),
                        var_domain.clone(),
                        " NS ".into(),
                        join(" ", name_servers),
                    ]),
                    Expr::null(),
                ),
        ),
        Output::new(
            name!("certificate_arn"),
            "ARN of the issued ACM certificate for the domain and its wildcard (known only once validated).",
            certificate_arn,
        ),
    ] {
        outputs.push(output.to_block());
    }
    outputs
}
