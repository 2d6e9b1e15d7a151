//! The `webmessaging` command-line tool: explore the reference from a shell.
//! `webmessaging help` lists the commands; each lives in `src/tool/`.

mod tool;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    std::process::exit(tool::run(&args));
}
