import PipelineCore

/// The role type of a posting whose title is not in the taxonomy: a weighted keyword score over
/// the title (each keyword's weight three times) and the description (once), the best role when
/// it reaches the threshold and beats the runner-up, else `other`.
///
/// ```swift
/// RoleRules.defaults.roleType(title: "Kubernetes Platform Specialist", description: "Terraform, CI/CD")
/// // .devopsEngineer
/// ```
public struct RoleRules: Sendable {
    /// Role type -> keyword (lower-case; words joined by a space) -> weight.
    public var weights: [RoleType: [String: Double]]
    /// The least score that names a role.
    public var threshold: Double

    /// The shipped rules.
    public static let defaults = RoleRules(weights: [
        .backendEngineer: ["backend": 3, "back-end": 3, "server-side": 2, "api": 1, "apis": 1, "microservices": 1],
        .frontendDeveloper: ["frontend": 3, "front-end": 3, "ui": 1, "css": 1, "react": 1, "angular": 1, "vue": 1],
        .fullstackDeveloper: ["fullstack": 3, "full-stack": 3, "full stack": 3],
        .softwareEngineer: ["software": 2, "developer": 1, "programmer": 2, "programming": 1, "engineer": 1],
        .databaseAdministrator: ["dba": 3, "database": 2, "databases": 2, "sql": 1, "backup": 1, "replication": 1],
        .solutionsArchitect: ["architect": 3, "solutions": 2, "solution": 2, "architecture": 1],
        .devopsEngineer: ["devops": 3, "sre": 3, "reliability": 2, "infrastructure": 2, "platform": 1, "kubernetes": 1, "terraform": 1, "ci/cd": 1, "cloud": 1],
        .dataEngineer: ["etl": 2, "pipelines": 1, "warehouse": 1, "airflow": 2, "spark": 1, "data": 1],
        .dataScientist: ["scientist": 3, "machine learning": 2, "ml": 2, "statistics": 2, "statistical": 1, "modeling": 1, "modelling": 1],
        .qaEngineer: ["qa": 3, "quality": 2, "tester": 3, "testing": 2, "test": 1, "automation": 1, "selenium": 1],
        .mobileDeveloper: ["mobile": 3, "ios": 3, "android": 3, "flutter": 2, "kotlin": 1, "swift": 1],
        .securityEngineer: ["security": 3, "cybersecurity": 3, "infosec": 3, "penetration": 2, "siem": 2, "vulnerability": 1],
    ], threshold: 4)

    /// The role the title and description point to, or `other`.
    public func roleType(title: String, description: String) -> RoleType {
        let titleWords = Self.words(title)
        let descriptionWords = Self.words(description)
        var scores: [(role: RoleType, score: Double)] = []
        for (role, keywords) in weights {
            var score = 0.0
            for (keyword, weight) in keywords {
                if Self.contains(titleWords, keyword) { score += 3 * weight }
                if Self.contains(descriptionWords, keyword) { score += weight }
            }
            scores.append((role, score))
        }
        // Ties broken by the role's name, so that the answer never depends on table order.
        scores.sort { $0.score != $1.score ? $0.score > $1.score : $0.role.rawValue < $1.role.rawValue }
        guard let best = scores.first, best.score >= threshold else { return .other }
        if scores.count > 1, scores[1].score == best.score { return .other }
        return best.role
    }

    /// Lower-case words of the text, as a set and in order (for phrases).
    struct Words {
        let set: Set<String>
        let text: String
    }

    static func words(_ text: String) -> Words {
        let lower = text.lowercased()
        let words = lower.split { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "/") }.map(String.init)
        return Words(set: Set(words), text: " " + words.joined(separator: " ") + " ")
    }

    static func contains(_ words: Words, _ keyword: String) -> Bool {
        keyword.contains(" ") ? words.text.has(" \(keyword) ") : words.set.contains(keyword)
    }
}
