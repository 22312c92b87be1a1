//! `named_choice!`: the pattern of every setting that takes one of a few
//! named values (its link name, its label, parsing back from the name).

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
    };
}
