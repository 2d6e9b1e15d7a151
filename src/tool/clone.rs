//! `webmessaging clone FILE [--trace]`: reads a graph-notation document,
//! builds it into a fresh heap, runs `structuredClone(root, {transfer})` on
//! it and prints the result, or what was thrown, as JSON on stdout.

use super::Failure;
use std::io::{Read, Write};
use webmessaging::ecmascript::{Heap, ObjectId, Value};
use webmessaging::notation::{build, clone_outcome, parse};
use webmessaging::spec;
use webmessaging::structured::{CloneError, NoPlatformObjects};

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging clone FILE [--trace]

Reads a graph-notation document from FILE ('-' for standard input), builds
it into a fresh realm, runs structuredClone(root, { transfer }) and prints
on standard output, as JSON:
  {\"result\": {\"root\": ..., \"objects\": [...]}, \"detached\": [...]}
where detached lists the input objects that are detached ArrayBuffers
afterwards, or, when the algorithm throws,
  {\"error\": {\"name\": ..., \"message\": ...}}
Both exit with status 0; malformed input or arguments exit with status 2.

Options:
  --trace   print on standard error each spec step executed, one a line,
            its step id first, then the catalogue's summary of it
  --help    print this help
";

/// What the command line asked for.
struct Options {
    file: String,
    trace: bool,
}

fn options(args: &[String]) -> Result<Option<Options>, Failure> {
    let mut file = None;
    let mut trace = false;
    let mut only_operands = false;
    for arg in args {
        match arg.as_str() {
            "--" if !only_operands => only_operands = true,
            "--trace" if !only_operands => trace = true,
            "--help" | "-h" if !only_operands => return Ok(None),
            option if option.starts_with('-') && option != "-" && !only_operands => {
                return Err(Failure::usage(format!(
                    "clone: unknown option '{option}' (run 'webmessaging help clone')"
                )));
            }
            operand => {
                if let Some(first) = file.replace(operand.to_owned()) {
                    return Err(Failure::usage(format!(
                        "clone: one FILE expected, got '{first}' and '{operand}'"
                    )));
                }
            }
        }
    }
    match file {
        Some(file) => Ok(Some(Options { file, trace })),
        None => Err(Failure::usage(
            "clone: missing FILE ('-' for standard input); run 'webmessaging help clone'",
        )),
    }
}

/// Runs the command.
pub fn run(args: &[String]) -> Result<(), Failure> {
    let Some(options) = options(args)? else {
        print!("{USAGE}");
        return Ok(());
    };
    let text = read("clone", &options.file)?;
    let document = parse(&text).map_err(|e| Failure::usage(format!("clone: {}: {e}", options.file)))?;
    let mut heap = Heap::default();
    let built =
        build(&document, &mut heap).map_err(|e| Failure::usage(format!("clone: {}: {e}", options.file)))?;
    let (result, steps) = if options.trace {
        spec::traced(|| structured_clone(&mut heap, built.root.clone(), &built.transfer))
    } else {
        (
            structured_clone(&mut heap, built.root.clone(), &built.transfer),
            Vec::new(),
        )
    };
    if options.trace {
        eprint!("{}", spec::trace_text(&steps));
    }
    let output = clone_outcome(&heap, &built.objects, &result).to_json_string();
    std::io::stdout()
        .write_all(output.as_bytes())
        .map_err(|e| Failure::internal(format!("clone: cannot write the output: {e}")))
}

/// The one place the tool calls the algorithm.
fn structured_clone(
    heap: &mut Heap,
    value: Value<ObjectId>,
    transfer: &[ObjectId],
) -> Result<Value<ObjectId>, CloneError<ObjectId>> {
    webmessaging::structured::structured_clone(heap, &mut NoPlatformObjects, value, transfer)
}

/// The text of FILE, or of standard input for `-`.
pub(super) fn read(command: &str, file: &str) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if file == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map(|()| text)
        .map_err(|e| Failure::usage(format!("{command}: cannot read {file}: {e}")))
}
