import Mustache

/// `/privacy`: `PrivacyInventory`'s sections in the visitor's language. The same for every
/// visitor, so `PageCache` keeps it.
struct PrivacyPage: Page {
    static let template = "privacy"
    let layout: Layout
    let sections: [SectionView]

    func value(_ name: String) -> Any? {
        name == "sections" ? sections : nil
    }

    /// - Parameter values: filled into the sentences' `{placeholders}`: the session limits as
    ///   configured, so the page tells what this server does.
    init(visitor: Visitor, renderer: Renderer, values: [String: String]) {
        let t = renderer.catalogs[visitor.language]
        layout = renderer.layout(visitor, title: t["privacy"])
        sections = PrivacyInventory.sections.map { section in
            SectionView(id: section.id, heading: t[section.key], items: section.items.map { item in
                ItemView(text: t.format(item.key, values), linkPath: item.link?.path, linkLabel: item.link.map { t[$0.label] })
            })
        }
    }

    struct SectionView: MustacheParent, Sendable {
        let id: String
        let heading: String
        let items: [ItemView]

        func child(named name: String) -> Any? {
            switch name {
            case "id": id
            case "heading": heading
            case "items": items
            default: nil
            }
        }
    }

    struct ItemView: MustacheParent, Sendable {
        let text: String
        let linkPath: String?
        let linkLabel: String?

        func child(named name: String) -> Any? {
            switch name {
            case "text": text
            case "linkPath": linkPath ?? false
            case "linkLabel": linkLabel ?? ""
            default: nil
            }
        }
    }
}
