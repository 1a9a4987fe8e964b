//! [`Manifest`] (one YAML document with the comment that says why it exists) and
//! [`ManifestFile`] (documents in order, rendered as a `---`-separated stream).

use serde::Serialize;

use bkt_core::yaml::{Value, ValueRef};

use crate::Result;

/// One YAML document: an object of any `Serialize` type, recorded at construction, and the
/// comment lines written right above it.
///
/// ```
/// use bkt_flux::Manifest;
/// use bkt_flux::kustomize::Kustomization;
///
/// let manifest = Manifest::new(&Kustomization::of(["release.yaml"]))?
///     .why("The chart and its release.");
/// assert_eq!(
///     manifest.render()?,
///     "# The chart and its release.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n"
/// );
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    why: Option<String>,
    object: Value,
}

impl Manifest {
    /// Records `object` (a k8s-openapi object, a Flux kind, a kustomize file …).
    ///
    /// # Errors
    /// [`crate::Error::Core`] when `object`'s `Serialize` impl fails.
    pub fn new<T: Serialize + ?Sized>(object: &T) -> Result<Self> {
        Ok(Self {
            why: None,
            object: Value::new(object)?,
        })
    }

    /// The same document with `why` as the comment above it (one `#` line per line of text).
    #[must_use]
    pub fn why(mut self, why: impl Into<String>) -> Self {
        self.why = Some(why.into());
        self
    }

    /// The comment above the document.
    #[must_use]
    pub fn comment(&self) -> Option<&str> {
        self.why.as_deref()
    }

    /// The recorded object, to read back.
    #[must_use]
    pub fn object(&self) -> ValueRef<'_> {
        self.object.view()
    }

    /// The comment and the document, ending in one newline.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when the YAML writer rejects the object.
    pub fn render(&self) -> Result<String> {
        let mut text = String::new();
        if let Some(why) = &self.why {
            for line in why.lines() {
                if line.is_empty() {
                    text.push('#');
                } else {
                    text.push_str("# ");
                    text.push_str(line);
                }
                text.push('\n');
            }
        }
        text.push_str(&bkt_core::yaml::to_string(&self.object)?);
        Ok(text)
    }
}

/// The documents of one file, in order.
///
/// ```
/// use bkt_flux::kustomize::Kustomization;
/// use bkt_flux::{Manifest, ManifestFile};
///
/// let mut file = ManifestFile::single(Manifest::new(&Kustomization::of(["a.yaml"]))?.why("First."));
/// file.push(Manifest::new(&Kustomization::of(["b.yaml"]))?);
/// assert_eq!(
///     file.render()?,
///     concat!(
///         "# First.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - a.yaml\n",
///         "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - b.yaml\n",
///     )
/// );
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ManifestFile {
    documents: Vec<Manifest>,
}

impl ManifestFile {
    /// A file of `documents`.
    #[must_use]
    pub fn new(documents: impl IntoIterator<Item = Manifest>) -> Self {
        Self {
            documents: documents.into_iter().collect(),
        }
    }

    /// A file of one document.
    #[must_use]
    pub fn single(document: Manifest) -> Self {
        Self::new([document])
    }

    /// Appends a document.
    pub fn push(&mut self, document: Manifest) {
        self.documents.push(document);
    }

    /// The documents, in order.
    #[must_use]
    pub fn documents(&self) -> &[Manifest] {
        &self.documents
    }

    /// The file's text: documents separated by `---` lines, each comment right above its
    /// document, as hand-written multi-document files are laid out.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when the YAML writer rejects a document.
    pub fn render(&self) -> Result<String> {
        let mut text = String::new();
        for (index, document) in self.documents.iter().enumerate() {
            if index > 0 {
                text.push_str("---\n");
            }
            text.push_str(&document.render()?);
        }
        Ok(text)
    }
}

impl FromIterator<Manifest> for ManifestFile {
    fn from_iter<I: IntoIterator<Item = Manifest>>(documents: I) -> Self {
        Self::new(documents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn documents_are_separated_and_comments_sit_above_their_document() {
        let file = ManifestFile::new([
            Manifest::new(&BTreeMap::from([("a", 1)]))
                .unwrap()
                .why("First line.\n\nAfter a blank line."),
            Manifest::new(&BTreeMap::from([("b", "on")])).unwrap(),
            Manifest::new(&BTreeMap::from([("c", 3)]))
                .unwrap()
                .why("Third."),
        ]);
        assert_eq!(
            file.render().unwrap(),
            "# First line.\n#\n# After a blank line.\na: 1\n---\nb: \"on\"\n---\n# Third.\nc: 3\n"
        );
        assert_eq!(file.documents().len(), 3);
        assert_eq!(
            file.documents()[0].comment(),
            Some("First line.\n\nAfter a blank line.")
        );
    }
}
