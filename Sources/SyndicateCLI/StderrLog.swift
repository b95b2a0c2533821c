import Foundation
import Logging
import Synchronization

/// Log lines on stderr in the compiler's style: `syndicate: warning: source 'acme': message`.
struct StderrLog: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    private static let once = Mutex(false)

    /// Installs the handler once per process.
    static func bootstrap(level: Logger.Level) {
        let first = once.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { _ in StderrLog(logLevel: level) }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let word: String
        switch event.level {
        case .trace, .debug: word = "debug"
        case .info, .notice: word = "note"
        case .warning: word = "warning"
        case .error, .critical: word = "error"
        }
        FileHandle.standardError.write(Data("syndicate: \(word): \(event.message)\n".utf8))
    }
}
