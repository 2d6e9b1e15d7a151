//! `webmessaging-js FILE.js [MORE.js ...]`: runs scripts in one Boa agent
//! with the reference's globals. `webmessaging js` hands over to it.

fn main() {
    let args: Vec<String> = match std::env::args_os().skip(1).map(|a| a.into_string()).collect() {
        Ok(args) => args,
        Err(_) => {
            eprintln!("webmessaging-js: arguments must be valid UTF-8");
            std::process::exit(webmessaging_boa::runner::EXIT_USAGE);
        }
    };
    std::process::exit(webmessaging_boa::runner::run(&args));
}
