import PipelineCore

/// Assigns literal values to fields, to every posting or to those for which `where:` holds.
///
/// ```yaml
/// - type: set
///   values: { location.country: CA, extra.board: main }
///   where: source == "acme"
/// ```
public struct SetStage: PostingStage {
    public static let type = "set"
    public static let summary = "Assigns values to record fields, optionally only where an expression holds"

    /// Options of the `set` stage.
    public struct Options: PluginOptions {
        /// Field -> value.
        public var values: FieldAssignments
        /// Only postings for which this holds.
        public var `where`: WhereExpression?
        /// Only fields that are empty.
        public var onlyIfEmpty: Bool

        public static let optionHelp = [
            "values": "record field -> value to assign, e.g. { location.country: CA, extra.board: main }",
            "where": "assign only to postings for which this expression holds",
            "only_if_empty": "leave fields that already have a value",
        ]

        enum CodingKeys: String, CodingKey {
            case values, `where`
            case onlyIfEmpty = "only_if_empty"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            values = try c.decode(FieldAssignments.self, forKey: .values)
            `where` = try c.decodeIfPresent(WhereExpression.self, forKey: .where)
            onlyIfEmpty = try c.decodeIfPresent(Bool.self, forKey: .onlyIfEmpty) ?? false
        }
    }

    private let options: Options

    public init(options: Options, context: StageContext) throws {
        guard !options.values.items.isEmpty else { throw ConfigValueError("values: is empty; give at least one field to set") }
        self.options = options
    }

    public func process(_ posting: inout JobPosting, run: RunContext) -> Bool {
        if let condition = options.where, !condition.matches(posting) { return true }
        for item in options.values.items where !options.onlyIfEmpty || item.path.get(posting) == .null {
            try? item.path.set(item.value, on: &posting)
        }
        return true
    }
}
