import PipelineCore
@testable import Plugins
import Testing

/// The labelled title set: raw titles composed from surface spellings of each title, seniority
/// words, misspellings and noise, with the expected canonical title, seniority and role known by
/// construction; plus hand-written hard cases and French titles.
enum LabelledTitles {
    struct Case: CustomStringConvertible {
        let raw: String
        let canonical: String?
        let seniority: Seniority?
        let role: RoleType
        var description: String { raw }
    }

    /// Surface spellings of a title, its canonical form and role.
    static let titles: [([String], String, RoleType)] = [
        (["Back-End Developer", "Backend Developer", "Back End Developer", "back end developper", "BACKEND DEVELOPER", "Backend Dev", "Server-Side Developer"], "Back-End Developer", .backendEngineer),
        (["Back-End Engineer", "Backend Engineer", "Back End Enginer", "Backend Eng."], "Back-End Engineer", .backendEngineer),
        (["Front-End Developer", "Frontend Developer", "Front End Devloper", "Front-end Dev"], "Front-End Developer", .frontendDeveloper),
        (["Full-Stack Developer", "Fullstack Developer", "Full Stack Develper"], "Full-Stack Developer", .fullstackDeveloper),
        (["Software Engineer", "Sofware Engineer", "SWE", "Software Engineeer"], "Software Engineer", .softwareEngineer),
        (["Software Developer", "Sofware Developer", "Application Developer"], "Software Developer", .softwareEngineer),
        (["Database Administrator", "DBA", "Databse Adminstrator", "Database Admin"], "Database Administrator", .databaseAdministrator),
        (["Solutions Architect", "Solution Architect", "Soltuions Architecht"], "Solutions Architect", .solutionsArchitect),
        (["DevOps Engineer", "Dev Ops Engineer", "Devops Enginer"], "DevOps Engineer", .devopsEngineer),
        (["Site Reliability Engineer", "SRE"], "Site Reliability Engineer", .devopsEngineer),
        (["Data Engineer", "Data Enginer", "Big Data Engineer"], "Data Engineer", .dataEngineer),
        (["Data Scientist", "Data Scientsit"], "Data Scientist", .dataScientist),
        (["Machine Learning Engineer", "ML Engineer"], "Machine Learning Engineer", .dataScientist),
        (["QA Engineer", "Quality Assurance Engineer", "QA Automation Engineer", "Test Automation Engineer"], "QA Engineer", .qaEngineer),
        (["Security Engineer", "Cybersecurity Engineer"], "Security Engineer", .securityEngineer),
        (["iOS Developer"], "iOS Developer", .mobileDeveloper),
        (["Android Developer"], "Android Developer", .mobileDeveloper),
        (["Cloud Architect"], "Cloud Architect", .solutionsArchitect),
        (["Data Analyst"], "Data Analyst", .dataScientist),
        (["Programmer Analyst"], "Programmer Analyst", .softwareEngineer),
    ]

    static let seniorities: [(String, String, Seniority?)] = [
        ("", "", nil), ("Senior ", "", .senior), ("Sr. ", "", .senior), ("Sr ", "", .senior), ("Junior ", "", .junior),
        ("Jr ", "", .junior), ("Intermediate ", "", .mid), ("Mid-Level ", "", .mid), ("Lead ", "", .lead), ("Staff ", "", .lead),
        ("Principal ", "", .lead), ("", " II", .mid), ("", " III", .senior), ("Entry Level ", "", .junior),
    ]

    static let noises: [(String, String)] = [
        ("", ""), ("", " (m/f/d)"), ("", "!!!"), ("", " - Toronto, ON"), ("", " | Remote (Canada)"), ("", " (Contract)"),
        ("", " - $90k-$110k"), ("URGENT: ", ""), ("", " (Python/Django)"), ("", " - Hybrid - Vancouver, BC"), ("Now Hiring: ", " - Calgary"),
    ]

    static var composed: [Case] {
        var cases: [Case] = []
        var n = 0
        for (surfaces, canonical, role) in titles {
            for surface in surfaces {
                for (offset, (prefix, suffix, seniority)) in seniorities.enumerated() where (n + offset) % 2 == 0 {
                    let (noiseBefore, noiseAfter) = noises[(n + offset) % noises.count]
                    cases.append(Case(raw: noiseBefore + prefix + surface + suffix + noiseAfter, canonical: canonical, seniority: seniority, role: role))
                }
                n += 1
            }
        }
        return cases
    }

    static let handWritten: [Case] = [
        Case(raw: "Sr. back end developper!!! (m/f/d) - Toronto, ON", canonical: "Back-End Developer", seniority: .senior, role: .backendEngineer),
        Case(raw: "Senior Q.A. Engineer", canonical: "QA Engineer", seniority: .senior, role: .qaEngineer),
        Case(raw: "Développeur back-end", canonical: "Back-End Developer", seniority: nil, role: .backendEngineer),
        Case(raw: "Développeur back-end sénior", canonical: "Back-End Developer", seniority: .senior, role: .backendEngineer),
        Case(raw: "Administrateur de bases de données", canonical: "Database Administrator", seniority: nil, role: .databaseAdministrator),
        Case(raw: "Architecte de solutions", canonical: "Solutions Architect", seniority: nil, role: .solutionsArchitect),
        Case(raw: "Ingénieur logiciel", canonical: "Software Engineer", seniority: nil, role: .softwareEngineer),
        Case(raw: "Analyste de données", canonical: "Data Analyst", seniority: nil, role: .dataScientist),
        Case(raw: "Stagiaire - Développeur web", canonical: "Web Developer", seniority: .intern, role: .softwareEngineer),
        Case(raw: "Senior Java Developer", canonical: "Software Developer", seniority: .senior, role: .softwareEngineer),
        Case(raw: "Software Engineer III", canonical: "Software Engineer", seniority: .senior, role: .softwareEngineer),
        Case(raw: "Staff SWE", canonical: "Software Engineer", seniority: .lead, role: .softwareEngineer),
        Case(raw: "Head of Engineering", canonical: "Engineering Manager", seniority: .lead, role: .softwareEngineer),
        Case(raw: "Software Development Intern", canonical: "Software Developer", seniority: .intern, role: .softwareEngineer),
        Case(raw: "Co-op Student - Data Analyst", canonical: "Data Analyst", seniority: .intern, role: .dataScientist),
        Case(raw: "Backend Devs", canonical: "Back-End Developer", seniority: nil, role: .backendEngineer),
        Case(raw: "Database Administrator (DBA)", canonical: "Database Administrator", seniority: nil, role: .databaseAdministrator),
        Case(raw: "Full Stack Web Developer (React/Node.js) - Hybrid - Ottawa", canonical: "Full-Stack Developer", seniority: nil, role: .fullstackDeveloper),
        Case(raw: "Developer Advocate", canonical: nil, seniority: nil, role: .other),
        Case(raw: "Product Manager", canonical: nil, seniority: nil, role: .other),
        Case(raw: "Recruiter, Engineering", canonical: nil, seniority: nil, role: .other),
    ]

    static var all: [Case] { composed + handWritten }
}

@Suite("Normalizing titles")
struct TitleNormalizerTests {
    @Test("the labelled set: at least 300 titles, at least 98% exactly right")
    func labelledSet() {
        let cases = LabelledTitles.all
        #expect(cases.count >= 300)
        var wrong: [String] = []
        for c in cases {
            let r = TitleNormalizer.shared.normalize(c.raw)
            let role = r.canonical?.roleType ?? .other
            if r.canonical?.title != c.canonical || r.seniority != c.seniority || role != c.role {
                wrong.append("\(c.raw) -> \(r.canonical?.title ?? "nil"), \(r.seniority?.rawValue ?? "nil"), \(role.rawValue); expected \(c.canonical ?? "nil"), \(c.seniority?.rawValue ?? "nil"), \(c.role.rawValue)")
            }
        }
        let accuracy = Double(cases.count - wrong.count) / Double(cases.count)
        print("labelled titles: \(cases.count - wrong.count) of \(cases.count) right (\(String(format: "%.1f", accuracy * 100))%)")
        for line in wrong.prefix(20) { print("  WRONG \(line)") }
        #expect(accuracy >= 0.98)
    }

    @Test("the issue's example, word for word")
    func example() {
        let r = TitleNormalizer.shared.normalize("Sr. back end developper!!! (m/f/d) - Toronto, ON")
        #expect(r.title == "Senior Back-End Developer")
        #expect(r.canonical?.title == "Back-End Developer")
        #expect(r.seniority == .senior)
        #expect(r.canonical?.roleType == .backendEngineer)
        #expect(r.canonical?.noc == "21232")
        #expect(r.place == "Toronto, ON")
    }

    @Test("noise moves where it belongs: places, remote, pay, employment type, technologies")
    func noise() {
        let r = TitleNormalizer.shared.normalize("URGENT: Senior Java Developer (Contract) | Remote (Canada) $90k-$110k")
        #expect(r.title == "Senior Java Developer")
        #expect(r.remote == true)
        #expect(r.employmentType == .contractor)
        #expect(r.salary == "$90k-$110k")
        #expect(r.skills == ["java"])
        let d = TitleNormalizer.shared.normalize("Data Engineer (Python/Django)")
        #expect(d.title == "Data Engineer")
        #expect(d.skills == ["python", "django"])
    }

    @Test("display titles keep acronyms and brand casings", arguments: [
        ("dba", "DBA"), ("qa engineer", "QA Engineer"), ("ios developer", "iOS Developer"), (".NET Developer", ".NET Developer"),
        ("aws cloud architect", "AWS Cloud Architect"), ("jr front end dev", "Junior Front-End Developer"),
        ("head of engineering", "Head of Engineering"), ("software engineer ii", "Intermediate Software Engineer"),
    ])
    func casing(raw: String, title: String) {
        #expect(TitleNormalizer.shared.normalize(raw).title == title)
    }

    @Test("real words are never 'corrected' into others", arguments: [
        ("Developer Advocate", "Developer Advocate"), ("Engineering Manager", "Engineering Manager"),
        ("Director of Architecture", "Director of Architecture"), ("IT Administration Lead", "Lead IT Administration"),
        ("Dev Ops Engineer", "DevOps Engineer"), ("Developers Wanted", "Developer"), ("Technical Writer", "Technical Writer"),
        ("Customer Success Manager", "Customer Success Manager"), ("Research Scientist", "Research Scientist"),
    ])
    func noFalseCorrections(raw: String, title: String) {
        #expect(TitleNormalizer.shared.normalize(raw).title == title)
    }
}
