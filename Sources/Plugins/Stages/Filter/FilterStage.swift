import PipelineCore

/// Keeps the postings for which `where:` holds.
///
/// ```yaml
/// - type: filter
///   where: role_type == "backend_engineer" and location.country in ["CA", "US"]
/// ```
public struct FilterStage: PostingStage {
    public static let type = "filter"
    public static let summary = "Keeps the postings for which the where: expression holds"

    /// Options of the `filter` stage.
    public struct Options: PluginOptions {
        /// The condition.
        public var `where`: WhereExpression

        public static let optionHelp = ["where": "keep a posting when this expression holds; drop it otherwise"]
    }

    private let expression: WhereExpression

    public init(options: Options, context: StageContext) throws {
        expression = options.where
    }

    public func process(_ posting: inout JobPosting, run: RunContext) -> Bool {
        expression.matches(posting)
    }
}
