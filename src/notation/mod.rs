//! The graph notation: a JSON description of a value and the objects it
//! reaches, read into a [`Heap`](crate::ecmascript::Heap) and printed back
//! from one. The `clone` command of the tool reads and writes it; tests,
//! fuzzers and the oracle use it to write object graphs down.
//!
//! A document is `{"root": VALUE, "objects": [OBJECT, ...], "transfer": [INDEX, ...]}`
//! (`transfer` optional). Objects refer to each other by their index in
//! `objects`, so cycles and shared objects are written as they are. A VALUE
//! is plain JSON where that is exact (`null`, booleans, finite numbers other
//! than -0, valid Unicode strings), else `{"undefined": true}`,
//! `{"number": "NaN" | "Infinity" | "-Infinity" | "-0"}`, `{"bigint": "-123"}`,
//! `{"utf16": [code units]}`, `{"symbol": "description"}` or `{"ref": INDEX}`.
//! An OBJECT is `{"kind": KIND, ...fields, "props": [PROP, ...]}`; see
//! [`Kind`] for the kinds and their fields, [`Prop`] for properties.
//!
//! - [`parse`] reads text into a [`Document`], checking its shape;
//! - [`build`] puts a document into a heap, checking that it describes a
//!   graph a program could make;
//! - [`print()`] writes the document of a heap value, numbering objects in
//!   depth-first first-visit order (fields before props), so isomorphic
//!   graphs print the same; [`Document::to_json_string`] gives its text;
//! - [`clone_outcome`] is the output of the `clone` command.
//!
//! Printing is not lossless in two ways the notation cannot say: distinct
//! symbols with one description print alike, and the writable and
//! configurable attributes of properties are not written (built data
//! properties are writable and configurable).
//!
//! # Example
//!
//! An object that contains itself, built into a heap, cloned, and printed
//! back: the clone prints as the same document.
//!
//! ```
//! use webmessaging::ecmascript::{AgentClusterId, Heap};
//! use webmessaging::notation::{build, parse, print};
//! use webmessaging::structured::{NoPlatformObjects, structured_clone};
//!
//! let text = r#"{"root": {"ref": 0},
//!                "objects": [{"kind": "Object", "props": [["n", 2], ["self", {"ref": 0}]]}]}"#;
//! let document = parse(text)?;
//! let mut heap = Heap::new(AgentClusterId(0));
//! let built = build(&document, &mut heap)?;
//! let clone = structured_clone(&mut heap, &mut NoPlatformObjects, built.root.clone(), &built.transfer)
//!     .expect("an ordinary object clones");
//! assert_eq!(print(&heap, &clone).to_one_line(), print(&heap, &built.root).to_one_line());
//! # Ok::<(), webmessaging::notation::NotationError>(())
//! ```

mod build;
mod document;
mod excerpt;
mod outcome;
mod parse;
mod print;
mod write;

pub use build::{Built, build};
pub use document::{Buffer, Document, Key, Kind, NotationError, Object, Prop, PropValue, Val};
pub use outcome::{CloneOutcome, clone_outcome};
pub use parse::parse;
pub use print::{print, print_with_transfer};
