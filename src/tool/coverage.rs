//! `webmessaging coverage COMMAND ARGS...`: runs `clone` or `run` as usual,
//! then prints which catalogued spec steps it executed, algorithm by
//! algorithm, and which it never reached.

use super::Failure;
use std::collections::BTreeMap;
use webmessaging::spec;

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging coverage clone FILE
       webmessaging coverage run FILE [--threads]

Runs the command as usual, then prints spec coverage: for each algorithm of
spec/catalogue.md, how many of its steps ran, and the ids of those that did
not. (`webmessaging check` prints the same for the model checks.)
";

/// Runs the command.
pub fn run(args: &[String]) -> Result<(), Failure> {
    match args.split_first() {
        Some((command, rest)) if command == "clone" => super::clone::run(rest)?,
        Some((command, rest)) if command == "run" => super::run::run(rest)?,
        Some((flag, _)) if flag == "--help" || flag == "-h" => {
            print!("{USAGE}");
            return Ok(());
        }
        _ => {
            return Err(Failure::usage(
                "coverage: expected 'clone FILE' or 'run FILE' (see 'webmessaging help coverage')",
            ));
        }
    }
    print!("{}", report(&spec::coverage()));
    Ok(())
}

/// The coverage report of `executed` (step id to times run).
fn report(executed: &BTreeMap<&'static str, u64>) -> String {
    let catalogue = spec::catalogue();
    let mut by_anchor: Vec<(String, Vec<&spec::CatalogueStep>)> = Vec::new();
    for step in &catalogue {
        match by_anchor.last_mut() {
            Some((anchor, steps)) if anchor == step.anchor() => steps.push(step),
            _ => by_anchor.push((step.anchor().to_owned(), vec![step])),
        }
    }
    let ran = |step: &spec::CatalogueStep| executed.get(step.id.as_str()).copied().unwrap_or(0) > 0;
    let total_ran = catalogue.iter().filter(|s| ran(s)).count();
    let mut out = format!(
        "\n== spec coverage: {total_ran} of {} catalogued steps executed{}\n",
        catalogue.len(),
        if spec::TRACING {
            ""
        } else {
            " (markers off: build with feature `trace`)"
        }
    );
    for (anchor, steps) in &by_anchor {
        let done = steps.iter().filter(|s| ran(s)).count();
        let mut line = format!("{anchor:<42} {done:>3} / {}", steps.len());
        let missing: Vec<&str> = steps
            .iter()
            .filter(|s| !ran(s))
            .map(|s| {
                s.id.strip_prefix(anchor.as_str())
                    .unwrap_or(&s.id)
                    .trim_start_matches('/')
            })
            .collect();
        if !missing.is_empty() && done > 0 {
            line.push_str(&format!("  not run: {}", missing.join(" ")));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
