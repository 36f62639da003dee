/// A board as seeded on first start: one per panel theme of the forum.
public struct BoardSeed: Sendable {
    public let slug: String
    public let titleES: String
    public let titleEN: String

    /// The six panel themes of DESIGN.md, in order.
    public static let panelThemes: [BoardSeed] = [
        .init(slug: "neutralidad-de-la-red",
              titleES: "Defensa del principio de neutralidad de la red",
              titleEN: "Defending the principle of network neutrality"),
        .init(slug: "proteccion-de-datos",
              titleES: "Protección de los datos e información de los usuarios de Internet",
              titleEN: "Protecting the data and information of Internet users"),
        .init(slug: "ninez-y-adolescencia",
              titleES: "Uso responsable y seguro de Internet por niños, niñas y adolescentes",
              titleEN: "Responsible and safe Internet use by children and adolescents"),
        .init(slug: "libertad-de-expresion-electoral",
              titleES: "Libertad de expresión en el contexto electoral",
              titleEN: "Freedom of expression in the electoral context"),
        .init(slug: "banda-ancha",
              titleES: "Desarrollo sostenible de la banda ancha en Guatemala",
              titleEN: "Sustainable broadband development in Guatemala"),
        .init(slug: "pagos-y-documentos-electronicos",
              titleES: "Pagos electrónicos y aseguramiento de documentos",
              titleEN: "Electronic payments and document assurance"),
    ]
}
