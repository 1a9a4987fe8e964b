//! Properties: the Rust rules across keys accept exactly what the generated schema accepts, and
//! the escape hatch either adds a key (and the output holds it) or refuses it because a typed
//! field has it — never both, never a panic.

use std::sync::OnceLock;

use bkt_helm::{Error, WithExtra};
use bkt_reference::sample_app::{DatabaseType, SampleAppValues, values_schema};
use proptest::prelude::*;
use serde_json::Value;

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema = serde_json::to_value(values_schema()).unwrap();
        jsonschema::validator_for(&schema).unwrap()
    })
}

fn schema_accepts(values: &SampleAppValues) -> bool {
    let mut json = serde_json::to_value(values).unwrap();
    json["global"] = serde_json::json!({});
    validator().is_valid(&json)
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?){0,3}\\.[a-z]{2,5}",
        "[-a-zA-Z0-9.:/_]{0,24}",
        ".{0,12}",
    ]
}

proptest! {
    #[test]
    fn validate_agrees_with_the_schema(
        enabled in any::<bool>(),
        host in host(),
        kind in prop::sample::select(DatabaseType::ALL.to_vec()),
        vault in any::<bool>(),
    ) {
        let mut values = SampleAppValues::default();
        values.ingress.enabled = enabled;
        values.ingress.host = host;
        values.database.kind = kind;
        values.vault.enabled = vault;
        prop_assert_eq!(values.validate().is_ok(), schema_accepts(&values), "{:?}", values.ingress);
    }

    #[test]
    fn an_extra_key_is_added_or_refused_never_both(
        key in prop_oneof![
            "[a-zA-Z][a-zA-Z0-9.-]{0,15}",
            prop::sample::select(vec!["fullnameOverride", "resources", "securityContext", "server", "global"])
                .prop_map(str::to_owned),
        ],
        value in any::<i64>(),
    ) {
        for typed in [
            serde_json::to_value(bkt_reference::values::headlamp::values()).unwrap(),
            serde_json::to_value(bkt_reference::values::vault::values("arn", "eu-west-1")).unwrap(),
        ] {
            let collides = typed.get(&key).is_some();
            let result = if typed.get("injector").is_some() {
                WithExtra::new(bkt_reference::values::vault::values("arn", "eu-west-1")).extra(key.clone(), value).map(|v| serde_json::to_value(v).unwrap())
            } else {
                WithExtra::new(bkt_reference::values::headlamp::values()).extra(key.clone(), value).map(|v| serde_json::to_value(v).unwrap())
            };
            match result {
                Ok(out) => {
                    prop_assert!(!collides);
                    prop_assert_eq!(&out[&key], &Value::from(value));
                    for (typed_key, typed_value) in typed.as_object().unwrap() {
                        prop_assert_eq!(&out[typed_key], typed_value);
                    }
                }
                Err(error) => {
                    prop_assert!(collides);
                    let is_collision = matches!(error, Error::ExtraCollidesWithTypedField { .. });
                    prop_assert!(is_collision);
                }
            }
        }
    }
}
