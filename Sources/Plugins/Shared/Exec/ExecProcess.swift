import Foundation
import Logging
import PipelineCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A running `exec` plugin: its stdin written line by line, its stdout read into lines by a
/// thread of its own (so a plugin that writes while syndicate writes never deadlocks), its
/// stderr logged with the plugin's name, and a timeout that stops it.
///
/// Pipes are read and written with blocking system calls on dedicated threads and a serial
/// queue, never on Swift's cooperative threads: on a two-core machine two blocked reads would
/// stall every other task of the run.
///
/// The protocol (docs/plugins.md): JSON lines each way, the first of each a handshake —
/// syndicate writes `{"syndicate":1,"kind":"stage","name":"tagger"}`, the plugin answers
/// `{"syndicate":1}` on stdout before anything else.
final class ExecProcess: @unchecked Sendable {
    // @unchecked: the mutable state is behind `state`; the pipes are used by one writer queue
    // and one reader thread each.

    /// How to start the command.
    struct Launch: Sendable {
        var command: [String]
        var environment: [String: String]
        var directory: URL
        var timeout: Double
    }

    /// The protocol version this build speaks.
    static let protocolVersion = 1

    let label: String
    private let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let writer = DispatchQueue(label: "syndicate.exec.stdin")
    private let logger: Logger
    private let state = Mutex(State())
    private let finished = DispatchGroup()
    /// Left when stdout reaches its end.
    private let outputDone = DispatchGroup()
    /// Left when the command has exited (its termination handler ran).
    private let exited = DispatchGroup()

    struct State {
        /// Complete stdout lines not yet taken, with their line numbers.
        var lines: [(number: Int, bytes: [UInt8])] = []
        var lineCount = 0
        var stdoutClosed = false
        var stderrTail: [String] = []
        var timedOut = false
        /// Whether the plugin's first line, the handshake, has been seen and checked.
        var greeted = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Starts the command; throws a message naming it when it cannot be started.
    init(_ launch: Launch, label: String, logger: Logger) throws {
        self.label = label
        self.logger = logger
        // A plugin that exits while syndicate writes to it must give an error, not kill syndicate.
        signal(SIGPIPE, SIG_IGN)
        // SIGPIPE back at its default for the command (syndicate itself ignores it, and ignored
        // signals are inherited). Foundation starts the command in a process group of its own,
        // so a timeout stops what it started too — a shell's `sleep` would otherwise hold its
        // output open.
        let program = launch.command[0]
        let resolved = program.contains("/") ? URL(fileURLWithPath: program, relativeTo: launch.directory).standardizedFileURL.path : program
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=PIPE", resolved] + launch.command.dropFirst()
        process.environment = ProcessInfo.processInfo.environment.merging(launch.environment) { _, new in new }
        process.currentDirectoryURL = launch.directory
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        // The exit is told by Foundation's termination handler, never waited for on a thread of
        // the global queue: a plugin per source and sink would otherwise hold one blocked each.
        exited.enter()
        let exited = exited
        process.terminationHandler = { _ in exited.leave() }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            exited.leave()
            throw SourceError("\(label): cannot start \(launch.command.joined(separator: " ")): \(error.localizedDescription)")
        }
        finished.enter()
        finished.enter()
        outputDone.enter()
        Thread.detachNewThread { [self] in readStdout() }
        Thread.detachNewThread { [self] in readStderr() }
        // Once the command has exited, its output ends a moment later even when a child it
        // left behind still holds the pipe open (a killed shell's `sleep`).
        exited.notify(queue: .global()) { [self] in
            Self.afterward(outputDone, atMost: 2) { [self] in deliver([], closed: true) }
        }
        let timeout = launch.timeout
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
            guard let self, process.isRunning, process.processIdentifier == pid else { return }
            state.withLock { $0.timedOut = true }
            signalGroup(SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 5) { [weak self] in
                if let self, self.process.isRunning { self.signalGroup(SIGKILL) }
            }
        }
    }

    deinit {
        if process.isRunning { signalGroup(SIGTERM) }
    }

    /// Sends a signal to the command and, when it has a group of its own, to all it started.
    private func signalGroup(_ signal: Int32) {
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        if getpgid(pid) == pid { kill(-pid, signal) } else { kill(pid, signal) }
    }

    // MARK: - Writing

    /// Writes bytes to the command's stdin, waiting (without holding a thread of the pool)
    /// while the pipe is full: a slow plugin slows the run instead of filling memory.
    func write(_ bytes: [UInt8]) async throws {
        let error: Int32 = await withCheckedContinuation { continuation in
            writer.async { [self] in continuation.resume(returning: writeAll(bytes)) }
        }
        if error != 0 { throw inputFailure(error) }
    }

    /// Writes bytes on the calling thread, blocking while the pipe is full (for sinks, whose
    /// writers are synchronous; the plugin's output is read by other threads meanwhile).
    func writeBlocking(_ bytes: [UInt8]) throws {
        let error = writer.sync { writeAll(bytes) }
        if error != 0 { throw inputFailure(error) }
    }

    /// Closes stdin: the plugin reads end of input.
    func closeInput() async {
        await withCheckedContinuation { continuation in
            writer.async { [self] in
                closeStdin()
                continuation.resume()
            }
        }
    }

    /// Closes stdin on the calling thread.
    func closeInputBlocking() {
        writer.sync { closeStdin() }
    }

    /// Writes all of `bytes` to stdin with write(2), on the writer queue; the errno that stopped
    /// it, or 0.
    private func writeAll(_ bytes: [UInt8]) -> Int32 {
        switch WholeTransfer.write(stdin.fileHandleForWriting.fileDescriptor, bytes) {
        case nil: 0
        case .system(let code)?: code
        // A pipe that takes nothing without an error has no reader left.
        case .nothingWritten?, .endOfFile?: EPIPE
        }
    }

    private func closeStdin() {
        try? stdin.fileHandleForWriting.close()
    }

    /// The command stopped reading (it exited, or closed its input), with how it ended when it has.
    private func inputFailure(_ error: Int32) -> SourceError {
        SourceError("\(label): the command stopped reading its input (\(String(cString: strerror(error))))\(exitDescription())")
    }

    /// The handshake line, as bytes.
    static func handshake(kind: PluginKind, name: String) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.key("syndicate"); json.number(Double(protocolVersion))
        json.key("kind"); json.string(kind.rawValue)
        json.key("name"); json.string(name)
        json.endObject()
        return json.bytes + [0x0A]
    }

    /// The handshake line syndicate sends first.
    func sendHandshake(kind: PluginKind, name: String) async throws {
        try await write(Self.handshake(kind: kind, name: name))
    }

    // MARK: - Reading

    /// Takes the stdout lines read so far, the handshake checked and left out.
    func takeLines() throws -> [(number: Int, bytes: [UInt8])] {
        let lines = state.withLock { s in
            defer { s.lines.removeAll(keepingCapacity: true) }
            return s.lines
        }
        return try afterHandshake(lines)
    }

    /// Waits until there is a line to take or stdout has closed; returns the lines, the
    /// handshake checked and left out (empty at the end).
    func nextLines() async throws -> [(number: Int, bytes: [UInt8])] {
        while true {
            let (lines, closed) = state.withLock { s -> ([(number: Int, bytes: [UInt8])], Bool) in
                defer { s.lines.removeAll(keepingCapacity: true) }
                return (s.lines, s.stdoutClosed)
            }
            let postings = try afterHandshake(lines)
            if !postings.isEmpty || closed { return postings }
            await withCheckedContinuation { continuation in
                let ready = state.withLock { s -> Bool in
                    if !s.lines.isEmpty || s.stdoutClosed { return true }
                    s.waiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// Whether the plugin has answered the handshake.
    private var greeted: Bool { state.withLock { $0.greeted } }

    /// Throws unless the plugin answered the handshake; for when its output has ended.
    func requireHandshake() throws {
        guard greeted else {
            throw SourceError("\(label): the command wrote nothing, not even the handshake {\"syndicate\": 1}")
        }
    }

    /// The lines without the handshake, which is checked when it is among them.
    private func afterHandshake(_ lines: [(number: Int, bytes: [UInt8])]) throws -> [(number: Int, bytes: [UInt8])] {
        guard let first = lines.first, !greeted else { return lines }
        try Self.checkHandshake(first.bytes, label: label)
        state.withLock { $0.greeted = true }
        return Array(lines.dropFirst())
    }

    /// Checks the plugin's first line: `{"syndicate": 1}`.
    private static func checkHandshake(_ line: [UInt8], label: String) throws {
        guard let value = try? JSONParser.parse(line), case .number(let text)? = value["syndicate"], let version = Int(text) else {
            let shown = String(decoding: line.prefix(200), as: UTF8.self)
            throw SourceError("\(label): the command's first line must be the handshake {\"syndicate\": 1}, not '\(shown)' (see docs/plugins.md)")
        }
        guard version == protocolVersion else {
            throw SourceError("\(label): the command speaks protocol version \(version); this syndicate speaks \(protocolVersion)")
        }
    }

    private func readStdout() {
        let fd = stdout.fileHandleForReading.fileDescriptor
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: chunk[0..<n])
            var start = 0
            var complete: [[UInt8]] = []
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start, pending[end - 1] == 0x0D { end -= 1 }
                complete.append(Array(pending[start..<end]))
                start = newline + 1
            }
            pending.removeFirst(start)
            if !complete.isEmpty { deliver(complete, closed: false) }
        }
        deliver(pending.isEmpty ? [] : [pending], closed: true)
        outputDone.leave()
        finished.leave()
    }

    private func deliver(_ lines: [[UInt8]], closed: Bool) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            for line in lines {
                s.lineCount += 1
                s.lines.append((s.lineCount, line))
            }
            if closed { s.stdoutClosed = true }
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func readStderr() {
        let handle = stderr.fileHandleForReading
        var pending = Data()
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            pending.append(data)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                log(line)
            }
        }
        if !pending.isEmpty { log(String(decoding: pending, as: UTF8.self)) }
        finished.leave()
    }

    private func log(_ line: String) {
        logger.info("\(label): \(line)")
        state.withLock { s in
            s.stderrTail.append(line)
            if s.stderrTail.count > 5 { s.stderrTail.removeFirst() }
        }
    }

    // MARK: - Ending

    /// Waits for the command to exit and for its output to be read; throws when it failed or
    /// was stopped.
    func waitForExit() async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            exited.notify(queue: .global()) { [finished] in
                Self.afterward(finished, atMost: 2) { continuation.resume() }
            }
        }
        try checkExit()
    }

    /// The same, blocking the calling thread (for sinks, whose writers are synchronous).
    func waitForExitBlocking() throws {
        exited.wait()
        _ = finished.wait(timeout: .now() + 2)
        try checkExit()
    }

    /// Runs `action` once, when `group` is done or after `seconds`, whichever comes first,
    /// without a thread waiting meanwhile.
    private static func afterward(_ group: DispatchGroup, atMost seconds: Double, _ action: @escaping @Sendable () -> Void) {
        final class Fired: Sendable { let flag = Atomic(false) }
        let fired = Fired()
        let once: @Sendable () -> Void = {
            if !fired.flag.exchange(true, ordering: .acquiringAndReleasing) { action() }
        }
        group.notify(queue: .global(), execute: once)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: once)
    }

    private func checkExit() throws {
        let (timedOut, tail) = state.withLock { ($0.timedOut, $0.stderrTail) }
        if timedOut {
            throw SourceError("\(label): stopped after the timeout (timeout:)\(Self.tail(tail))")
        }
        if process.terminationReason == .uncaughtSignal {
            throw SourceError("\(label): the command was killed by signal \(process.terminationStatus)\(Self.tail(tail))")
        }
        if process.terminationStatus != 0 {
            throw SourceError("\(label): the command exited with status \(process.terminationStatus)\(Self.tail(tail))")
        }
    }

    /// Stops the command (a run that failed elsewhere).
    func stop() {
        if process.isRunning { signalGroup(SIGTERM) }
    }

    /// ", exited with status 2: last stderr line", when the command has exited.
    private func exitDescription() -> String {
        guard !process.isRunning else { return "" }
        let tail = state.withLock { $0.stderrTail }
        return "; it exited with status \(process.terminationStatus)\(Self.tail(tail))"
    }

    private static func tail(_ lines: [String]) -> String {
        guard let last = lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return "" }
        return ": \(last)"
    }
}
