//! The connector's configuration file (TOML): how SFCC fields become Clerk fields, and the stores.
//! The worker and the CLI load the same file; `config/sfcc-clerk.example.toml` documents it.

mod file;
mod mapping;

pub use file::{ConnectorConfig, FileError};
pub use mapping::{
    AttributeRule, AttributeType, CustomAttributes, DescriptionSource, FieldMapping, Transform,
};
