//! The `terraform` settings block and a `.tf` file of blocks.

use super::Arg;
use crate::hcl::{Block, Body, Expr};
use crate::name::Name;

/// A provider requirement of the `terraform` block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequiredProvider {
    /// Local name, for example `aws`.
    pub name: Name,
    /// Registry source, for example `hashicorp/aws`.
    pub source: String,
    /// Version constraint, for example `>= 5.100.0`.
    pub version: String,
}

/// The `terraform` settings block of a module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// Terraform version constraint, for example `>= 1.11.0`.
    pub required_version: String,
    /// Providers the module uses.
    pub required_providers: Vec<RequiredProvider>,
    /// The state backend of a root module (a [`NestedBlock`](crate::hcl::NestedBlock) such as `backend "s3"`).
    pub backend: Option<Block>,
}

impl Settings {
    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("terraform", &[]);
        block.body.attr(
            "required_version",
            self.required_version.as_str().into(),
            None,
        );
        if !self.required_providers.is_empty() {
            block.body.group();
            let mut providers = Block::new("required_providers", &[]);
            for provider in &self.required_providers {
                providers.body.attr(
                    provider.name.as_str(),
                    Expr::object([
                        ("source", provider.source.as_str()),
                        ("version", provider.version.as_str()),
                    ]),
                    None,
                );
            }
            block.body.block(providers);
        }
        if let Some(backend) = &self.backend {
            block.body.group();
            block.body.block(backend.clone());
        }
        block
    }
}

/// A `.tf` file: top-level blocks, in order, one blank line apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    blocks: Vec<Block>,
}

impl File {
    /// ```
    /// use bkt_core::hcl::{File, Output, Type, Variable};
    /// let name = Variable::new(bkt_core::name!("name"), "The name.", Type::String);
    /// let mut file = File::new();
    /// file.push(name.to_block())
    ///     .push(Output::new(bkt_core::name!("upper_name"), "The name's length.",
    ///         bkt_core::hcl::func::length(name.reference())).to_block());
    /// assert_eq!(file.labels("output"), ["upper_name"]);
    /// assert!(file.render().contains("\n\noutput \"upper_name\" {\n"));
    /// ```
    ///
    /// An empty file.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a block (any model's `to_block()`).
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// The file's blocks.
    #[must_use]
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The first label of every top-level block named `ident`, in order: the variables of a
    /// `variables.tf` (`labels("variable")`), the outputs of an `outputs.tf`.
    #[must_use]
    pub fn labels(&self, ident: &str) -> Vec<String> {
        self.blocks
            .iter()
            .filter(|block| block.ident == ident)
            .filter_map(|block| block.labels.first().cloned())
            .collect()
    }

    /// Sets one argument of the block at `address`, replacing what the typed model gave it,
    /// without forking the crate that built the file.
    ///
    /// `address` is the block's Terraform address: `TYPE.NAME` for a resource, `data.TYPE.NAME`,
    /// `module.NAME`, `provider.TYPE` (`provider.TYPE.ALIAS` for an aliased one). `path` is an
    /// argument of that kind as the crates model it (its `terraform_kind!` field), a nested
    /// block's argument (`metadata_options.http_put_response_hop_limit`, any depth), or a key
    /// inside an argument whose value is an object (`tags.Owner`; `\.` for a dot inside a key).
    /// Meta-arguments (`count`, `for_each`, `depends_on`, `lifecycle`, a module's `source`) are
    /// not overridable here: they come from the typed builders.
    ///
    /// The value takes the place of the old one (with the `why` comment of the [`Arg`], if any,
    /// instead of the old comment); an argument or nested block the model left unset is added,
    /// in declaration order among the arguments, after the others for a block. The file still
    /// renders byte-identical to `terraform fmt`: alignment is redone when it is written.
    ///
    /// ```
    /// use bkt_core::hcl::{Expr, File, Resource};
    ///
    /// bkt_core::terraform_block! {
    ///     /// `metadata_options` of an instance.
    ///     pub struct MetadataOptions => "metadata_options" {
    ///         /// `required` for IMDSv2.
    ///         http_tokens,
    ///         /// How far the token travels.
    ///         http_put_response_hop_limit,
    ///     }
    /// }
    /// bkt_core::terraform_kind! {
    ///     /// An `aws_instance`.
    ///     pub resource Instance => "aws_instance" {
    ///         /// The AMI.
    ///         ami,
    ///         /// The size.
    ///         instance_type,
    ///     }
    ///     blocks {
    ///         /// Instance metadata service settings.
    ///         metadata_options: MetadataOptions,
    ///     }
    ///     /// Attributes of an `aws_instance`.
    ///     pub ref InstanceRef { id }
    /// }
    ///
    /// let instance = Resource::new(bkt_core::name!("this"), Instance {
    ///     ami: Some("ami-123".into()),
    ///     metadata_options: Some(MetadataOptions {
    ///         http_tokens: Some("required".into()),
    ///         http_put_response_hop_limit: Some(1.into()),
    ///         ..Default::default()
    ///     }),
    ///     ..Default::default()
    /// });
    /// let mut file = File::new();
    /// file.push(instance.to_block());
    /// file.set_argument("aws_instance.this", "instance_type", Expr::from("t3.small"))?
    ///     .set_argument("aws_instance.this", "metadata_options.http_put_response_hop_limit", 2)?;
    /// assert_eq!(file.render(), "\
    /// resource \"aws_instance\" \"this\" {
    ///   ami           = \"ami-123\"
    ///   instance_type = \"t3.small\"
    ///
    ///   metadata_options {
    ///     http_tokens                 = \"required\"
    ///     http_put_response_hop_limit = 2
    ///   }
    /// }
    /// ");
    ///
    /// // An argument the kind does not model, or a block the file does not have, is an error.
    /// let error = file.set_argument("aws_instance.this", "instance_typ", "t3.large").unwrap_err();
    /// assert!(error.to_string().contains("\"instance_typ\" is not an argument or nested block of aws_instance.this as"));
    /// assert!(file.set_argument("aws_instance.that", "ami", "ami-456").is_err());
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::NoSuchBlock`] when the file has no block at `address`,
    /// [`crate::Error::UnknownArgument`] when the kind (or the nested block on the way) does
    /// not model a name of `path`, and [`crate::Error::Invalid`] when `path` is malformed,
    /// stops at a nested block, goes into a value that is not an object literal (or an unset
    /// argument), or when the nested block on the way is repeated and so ambiguous.
    pub fn set_argument(
        &mut self,
        address: &str,
        path: &str,
        value: impl Into<Arg>,
    ) -> crate::Result<&mut Self> {
        crate::hcl::set::in_file(&mut self.blocks, address, path, value.into())?;
        Ok(self)
    }

    /// The file's text as `terraform fmt` writes it (without the generated-file header).
    #[must_use]
    pub fn render(&self) -> String {
        let mut body = Body::default();
        for block in &self.blocks {
            body.group();
            body.block(block.clone());
        }
        crate::hcl::print::body(&body, 0)
    }
}
