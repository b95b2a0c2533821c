import PipelineCore

/// Maps an RSS `item` (0.9x, 1.0/RDF, 2.0) onto the record: the core elements; `content:encoded`,
/// `dc:*`, `dcterms:*`; job extensions in any other namespace by local name; `guid` as
/// `source_id`; `category` and `enclosure` (and every other leftover) in `extra`.
enum RSSMapper {
    static func map(_ record: XMLStreamParser.Record, documentBase: String?) -> PostingBuilder {
        var b = PostingBuilder()
        let item = record.element
        let base = XMLStreamParser.resolve(item.attribute("base"), against: record.base ?? documentBase)
        var link: String?, guid: String?, guidIsLink = true
        var description: String?, encoded: String?, dcDescription: String?, otherDescription: String?, otherTitle: String?
        var dates: [Int: String] = [:]
        var categories: [String] = []
        for case .element(let child) in item.children {
            let ns = child.namespace
            // RSS's own elements first, by name alone; then the modules, by namespace and name
            // (a switch over pairs of strings compared every pair in turn, per child).
            if Namespace.isRSSCore(ns) {
                switch child.name {
                case "title": b.fill(.title, child.text)
                case "link": link = link ?? child.text.trimmed
                case "guid":
                    guid = child.text.trimmed
                    guidIsLink = child.attribute("isPermaLink")?.lowercased() != "false"
                case "description": description = child.htmlContent
                case "pubDate": dates[0] = child.text
                case "expirationDate": b.fill(.validThrough, child.text)
                case "author": b.extra("author", child.text)
                case "category": categories.append(child.text.trimmed)
                case "enclosure": b.extra("enclosure", child.attribute("url"))
                case "comments", "source": b.extra(child.name, child.text)
                default: JobExtensions.apply(child, to: &b)
                }
                continue
            }
            switch (Module(ns), child.name) {
            case (.content, "encoded"): encoded = child.text
            case (.dc, "title"): b.fill(.title, child.text)
            case (.dc, "description"): dcDescription = child.htmlContent
            case (.dc, "date"): dates[1] = child.text
            case (.dcterms, "issued"): dates[2] = child.text
            case (.dcterms, "created"): dates[3] = child.text
            case (.dcterms, "modified"): dates[4] = child.text
            case (.dcterms, "valid"): b.fill(.validThrough, validEnd(child.text))
            case (.dc, "creator"), (.dc, "author"), (.itunes, "author"): b.extra("author", child.text)
            case (.dc, "publisher"): b.extra("publisher", child.text)
            case (.media, "title"), (.media, "description"), (.media, "group"), (.itunes, "summary"):
                let described = MediaModule.describe(child)
                otherTitle = otherTitle ?? described.title
                otherDescription = otherDescription ?? described.description
            case (.dc, "subject"): categories.append(child.text.trimmed)
            case (.atom, "link") where child.attribute("rel") ?? "alternate" == "alternate":
                link = link ?? child.attribute("href")
            case (.atom, "updated"), (.atom, "published"): dates[5] = dates[5] ?? child.text
            case (.extension, _): JobExtensions.apply(child, to: &b)
            default: b.extra(child.extraKey, child.text)
            }
        }
        let about = item.attribute("about", namespace: Namespace.rdf)
        if let guid, !guid.isEmpty { b.set(.sourceID, guid) } else { b.set(.sourceID, about) }
        var url = link.flatMap { XMLStreamParser.resolve($0, against: base) }
        if url == nil || url?.isEmpty == true, guidIsLink, let guid, guid.hasPrefix("http") { url = guid }
        if url == nil, let about, about.hasPrefix("http") { url = about }
        b.set(.url, url)
        if b.posting.sourceID == nil, b.posting.url == nil, let url { b.set(.sourceID, url) }
        b.set(.descriptionHTML, encoded ?? description ?? dcDescription ?? otherDescription)
        b.fill(.title, otherTitle)
        if let first = dates.keys.sorted().first { b.set(.datePosted, dates[first]) }
        for category in categories where !category.isEmpty { b.extra("category", category) }
        return b
    }

    /// The modules an item's elements come from, as far as the mapping tells them apart.
    enum Module {
        case content, dc, dcterms, media, itunes, atom
        /// Another module syndicate knows (its leftovers go to `extra` under `prefix:name`).
        case other
        /// No module syndicate knows: a job board's extension, mapped by local name.
        case `extension`

        init(_ uri: String?) {
            guard let uri else {
                self = .extension
                return
            }
            switch uri {
            case Namespace.content: self = .content
            case Namespace.dc: self = .dc
            case Namespace.dcterms: self = .dcterms
            case Namespace.media: self = .media
            case Namespace.itunes, Namespace.itunesCapitalized: self = .itunes
            case Namespace.atom10: self = .atom
            default: self = Namespace.known.contains(uri) ? .other : .extension
            }
        }
    }

    /// The end of a Dublin Core period (`start=…;end=2002-10-17T17:00+01:00;scheme=W3C-DTF`).
    static func validEnd(_ text: String) -> String? {
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmed }
            if pair.count == 2, pair[0] == "end" { return pair[1] }
        }
        return nil
    }
}
