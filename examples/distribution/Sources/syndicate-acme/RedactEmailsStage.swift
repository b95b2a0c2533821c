import Foundation
import PipelineCore

/// A stage of Acme's own: removes e-mail addresses from descriptions before they are syndicated
/// (applicants should apply through the link, not write to a recruiter's inbox).
///
/// ```yaml
/// - type: redact-emails
///   replacement: "[e-mail removed]"
/// ```
struct RedactEmailsStage: Stage {
    static let type = "redact-emails"
    static let summary = "Removes e-mail addresses from descriptions (Acme's own plugin)"

    struct Options: PluginOptions {
        /// What an address is replaced with.
        var replacement: String?

        static let optionHelp = ["replacement": "what an address becomes (default \"[e-mail removed]\")"]
    }

    let replacement: String
    // Kept as text and compiled per batch: NSRegularExpression is not Sendable.
    let pattern = #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#

    init(options: Options, context: StageContext) throws {
        replacement = options.replacement ?? "[e-mail removed]"
    }

    func process(_ batch: [JobPosting], run: RunContext) async throws -> [JobPosting] {
        let regex = try NSRegularExpression(pattern: pattern)
        func redact(_ text: String?) -> String? {
            guard let text else { return nil }
            let range = NSRange(text.startIndex..., in: text)
            return regex.stringByReplacingMatches(in: text, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
        }
        return batch.map { posting in
            var p = posting
            p.descriptionText = redact(p.descriptionText)
            p.descriptionHTML = redact(p.descriptionHTML)
            return p
        }
    }
}
