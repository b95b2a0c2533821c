/// Namespace URIs of the feed formats and the modules they use.
enum Namespace {
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let media = "http://search.yahoo.com/mrss/"
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    /// The iTunes namespace as some feeds capitalize it.
    static let itunesCapitalized = "http://www.itunes.com/DTDs/Podcast-1.0.dtd"
    /// Namespaces some RSS 2.0 feeds declare as their default.
    static let rss20 = ["http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss"]

    /// Modules that are not job extensions: their leftovers go to `extra` under `prefix:name`.
    static let known: Set<String> = [
        rss10, rss090, rdf, content, dc, dcterms, media, atom10, atom03, xhtml, itunes, itunesCapitalized,
        "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss", "http://purl.org/rss/1.0/modules/slash/",
        "http://wellformedweb.org/CommentAPI/", "http://rssnamespace.org/feedburner/ext/1.0",
        "http://purl.org/rss/1.0/modules/syndication/", "http://www.georss.org/georss",
        "http://www.w3.org/2003/01/geo/wgs84_pos#", "http://podlove.org/simple-chapters",
        "http://webns.net/mvcb/", "http://madskills.com/public/xml/rss/module/trackback/",
        "http://backend.userland.com/creativeCommonsRssModule", "http://web.resource.org/cc/",
        "http://purl.org/rss/1.0/modules/annotate/", "http://purl.org/rss/1.0/modules/image/",
    ]

    /// Whether an element in namespace `uri` belongs to RSS itself (no namespace, 1.0 or 0.90).
    static func isRSSCore(_ uri: String?) -> Bool {
        uri == nil || uri == rss10 || uri == rss090 || rss20.contains(uri ?? "")
    }

    /// Whether the element is Atom (1.0 or 0.3).
    static func isAtom(_ uri: String?) -> Bool {
        uri == atom10 || uri == atom03
    }
}

/// The Media RSS and iTunes elements that carry a title or a description, shared by RSS and Atom.
enum MediaModule {
    /// A title and a description from `media:title`, `media:description`, `itunes:summary`, or a
    /// `media:group` holding them.
    static func describe(_ element: XMLElement) -> (title: String?, description: String?) {
        switch (element.namespace ?? "", element.name) {
        case (Namespace.media, "title"): return (element.text, nil)
        case (Namespace.media, "description"), (Namespace.itunes, "summary"), (Namespace.itunesCapitalized, "summary"):
            return (nil, element.htmlContent)
        case (Namespace.media, "group"):
            return (element.first("title", namespace: Namespace.media)?.text, element.first("description", namespace: Namespace.media)?.htmlContent)
        default:
            return (nil, nil)
        }
    }
}

extension XMLElement {
    /// The key a leftover element is kept under in `extra`.
    var extraKey: String { prefix.map { "\($0):\(name)" } ?? name }

    /// The element's content as HTML: its markup when it has child elements (XHTML written
    /// inline), its text otherwise (escaped HTML, or CDATA).
    var htmlContent: String {
        hasElements ? innerXML : text
    }
}
