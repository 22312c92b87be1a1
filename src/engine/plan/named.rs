//! [`Choice`]: what every setting that takes one of a few named values
//! has (its link name, its label, parsing back from the name), and
//! `named_choice!`, which writes such a setting.

use super::{Mode, Reduce, Rung, Workload};
use crate::engine::work::Kernel;

/// A setting that takes one of a few named values: what a list in the page
/// and a link need of it.
pub trait Choice: Copy + PartialEq + Send + Sync + 'static {
    /// Every value, in the order a list shows them.
    fn all() -> &'static [Self];
    /// The name used in links and exports.
    fn name(self) -> &'static str;
    /// The name shown in the page.
    fn label(self) -> &'static str;
    fn from_name(name: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.name() == name)
    }
}

/// [`Choice`] for a type whose inherent `ALL`, `name` and `label` say it all.
macro_rules! choice_of_inherent {
    ($($name:ident),+) => {$(
        impl Choice for $name {
            fn all() -> &'static [$name] {
                &$name::ALL
            }
            fn name(self) -> &'static str {
                $name::name(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
        }
    )+};
}

choice_of_inherent!(Mode, Workload, Kernel, Reduce, Rung);

/// A setting that takes one of a few named values: its link name, its label
/// in the page, and parsing back from the name.
macro_rules! named_choice {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => ($key:literal, $label:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            #[default]
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in links and exports.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// The name shown in the page.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_name(name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl $crate::engine::plan::Choice for $name {
            fn all() -> &'static [$name] {
                $name::ALL
            }
            fn name(self) -> &'static str {
                $name::name(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
        }
    };
}
