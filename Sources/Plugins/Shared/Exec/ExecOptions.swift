import Foundation
import PipelineCore

/// Options every `exec` plugin takes: the command and how to run it.
///
/// ```yaml
/// - type: exec
///   command: [python3, plugins/tag.py, --strict]
///   env: { API_TOKEN: "${TOKEN}" }
///   timeout: 120
///   workdir: plugins
/// ```
public struct ExecOptions: PluginOptions {
    /// The program and its arguments; the program is looked up on `PATH` unless it has a `/`.
    public var command: [String]
    /// Variables added to (or replacing those of) syndicate's environment.
    public var env: [String: String]?
    /// Seconds the command may run before it is stopped (default 900).
    public var timeout: Double?
    /// The command's working directory, relative to the pipeline file (default its directory).
    public var workdir: String?

    public static let optionHelp = [
        "command": "the program and its arguments, e.g. [python3, plugins/tag.py]; looked up on PATH unless it has a /",
        "env": "environment variables for the command, over syndicate's own",
        "timeout": "seconds the command may run before it is stopped (default 900)",
        "workdir": "the command's working directory, relative to the pipeline file (default the pipeline file's directory)",
    ]

    public init(command: [String], env: [String: String]? = nil, timeout: Double? = nil, workdir: String? = nil) {
        self.command = command
        self.env = env
        self.timeout = timeout
        self.workdir = workdir
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        command = try c.decode([String].self, forKey: .command)
        env = try c.decodeIfPresent([String: String].self, forKey: .env)
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout)
        workdir = try c.decodeIfPresent(String.self, forKey: .workdir)
        guard let program = command.first, !program.isEmpty else {
            throw ConfigValueError("command: give the program and its arguments, e.g. [python3, plugins/tag.py]")
        }
        if let timeout, !(timeout > 0) || !timeout.isFinite {
            throw ConfigValueError("timeout: \(timeout) is not a positive number of seconds")
        }
    }

    enum CodingKeys: String, CodingKey {
        case command, env, timeout, workdir
    }

    /// The command as the run starts it, with paths resolved against the pipeline's directory.
    func launch(baseDirectory: URL) -> ExecProcess.Launch {
        let directory = workdir.map { URL(fileURLWithPath: $0, relativeTo: baseDirectory).standardizedFileURL } ?? baseDirectory
        return ExecProcess.Launch(
            command: command, environment: env ?? [:], directory: directory, timeout: timeout ?? 900)
    }
}
