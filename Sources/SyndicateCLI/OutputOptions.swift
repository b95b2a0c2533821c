import ArgumentParser
import Foundation
import Logging

/// `-v` and `-q`, shared by the commands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print what the run did, also on success without a terminal.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet cannot be used together") }
    }

    /// Sets up logging to stderr at the level the flags ask for.
    func bootstrapLogging() {
        let level: Logger.Level = quiet ? .error : (verbose ? .info : .warning)
        StderrLog.bootstrap(level: level)
    }

    /// Whether a summary of a successful run should be printed.
    var printsSummary: Bool { !quiet && (verbose || Terminal.stdoutIsTTY) }
}

/// Which streams are terminals.
enum Terminal {
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
}

/// Writes a line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
