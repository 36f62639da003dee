import ArgumentParser
import CabildoCore
import CabildoStore
import CabildoWeb
import Foundation

// MARK: - The text

/// Titles and bodies from per-theme vocabulary and shared sentence templates. The phrases are
/// written so that no template needs agreement or a contraction (no "de el"): an actor carries
/// its own verb ("los bancos deberían").
enum DemoText {
    struct Theme {
        let slug: String
        /// Noun phrases with their article.
        let topics: [String]
        let problems: [String]
        /// Infinitive phrases.
        let proposals: [String]
        /// Name and whether it is plural.
        let actors: [(String, Bool)]
        /// Clauses that can follow "En Sololá, …".
        let facts: [String]
    }

    static func title(_ theme: Theme, proposal: Bool, rng: inout SplitMix64) -> String {
        let template = proposal ? rng.pick(proposalTitles) : rng.pick(titles)
        var title = ""
        fill(template, theme, into: &title, markdown: false, capitalize: true, rng: &rng)
        // The schema allows 5 to 150 characters; the vocabulary stays far below, this is a guard.
        if title.unicodeScalars.count > 150 { title = String(title.unicodeScalars.prefix(149)) + "…" }
        return title
    }

    static func opening(_ theme: Theme, proposal: Bool, rng: inout SplitMix64) -> String {
        var text = ""
        var sentences = 2 + rng.below(5)
        if proposal {
            fill(rng.pick(proposalOpenings), theme, into: &text, markdown: true, capitalize: true, rng: &rng)
            sentences -= 1
        }
        appendSentences(sentences, theme, into: &text, rng: &rng)
        if rng.chance(0.4) {
            text += " "
            text += rng.pick(closers)
        }
        if rng.chance(proposal ? 0.5 : 0.2) { appendList(theme, into: &text, rng: &rng) }
        if rng.chance(0.15) { appendLink(theme, into: &text, rng: &rng) }
        return text
    }

    static func reply(_ theme: Theme, answering: String, from group: Stakeholder, rng: inout SplitMix64) -> String {
        var text = ""
        var sentences = 1 + rng.weighted([30, 35, 22, 10, 2, 1])
        if rng.chance(0.45) {
            let speaker = Speaker(mention: "@" + answering, group: groupPhrases[group] ?? "mi experiencia personal")
            fill(rng.pick(replyOpeners), theme, into: &text, markdown: true, capitalize: true, speaker: speaker, rng: &rng)
            sentences -= 1
        }
        appendSentences(sentences, theme, into: &text, rng: &rng)
        if rng.chance(0.08) { appendList(theme, into: &text, rng: &rng) }
        if rng.chance(0.06) { appendLink(theme, into: &text, rng: &rng) }
        return text
    }

    private static func appendSentences(_ count: Int, _ theme: Theme, into text: inout String, rng: inout SplitMix64) {
        for _ in 0..<count {
            if !text.isEmpty { text += rng.chance(0.3) ? "\n\n" : " " }
            fill(rng.pick(sentences), theme, into: &text, markdown: true, capitalize: true, rng: &rng)
        }
    }

    private static func appendList(_ theme: Theme, into text: inout String, rng: inout SplitMix64) {
        if !text.isEmpty { text += "\n\n" }
        text += rng.pick(listIntros)
        text += "\n"
        var items = theme.proposals
        rng.shuffle(&items)
        for item in items.prefix(2 + rng.below(3)) {
            text += "\n- "
            text += capitalized(item)
        }
    }

    private static func appendLink(_ theme: Theme, into text: inout String, rng: inout SplitMix64) {
        let url = "https://example.org/\(theme.slug)/\(rng.pick(linkPaths))-\(2019 + rng.below(7))"
        text += "\n\n"
        if rng.chance(0.5) {
            text += "Más datos en [\(rng.pick(linkTexts))](\(url))."
        } else {
            text += "Fuente: \(url)"
        }
    }

    /// Who a reply answers, and the group its author speaks from.
    struct Speaker {
        let mention: String
        let group: String
    }

    /// Appends a template with its `{slot}`s filled from the theme.
    private static func fill(_ template: [Piece], _ theme: Theme, into text: inout String, markdown: Bool,
                             capitalize: Bool, speaker: Speaker? = nil, rng: inout SplitMix64) {
        for (position, piece) in template.enumerated() {
            var value: String
            var bold = false
            switch piece {
            case .text(let literal):
                text += literal
                continue
            case .slot(let slot):
                switch slot {
                case .topic: value = rng.pick(theme.topics)
                case .problem:
                    value = rng.pick(theme.problems)
                    bold = markdown && rng.chance(0.12)
                case .proposal:
                    value = rng.pick(theme.proposals)
                    bold = markdown && rng.chance(0.2)
                case .actor: value = rng.pick(theme.actors).0
                case .actorShould:
                    let (name, plural) = rng.pick(theme.actors)
                    value = name + (plural ? " deberían" : " debería")
                case .actorMust:
                    let (name, plural) = rng.pick(theme.actors)
                    value = name + (plural ? " tienen que" : " tiene que")
                case .fact: value = rng.pick(theme.facts)
                case .place: value = rng.pick(places)
                case .org: value = rng.pick(organizations)
                case .country: value = rng.pick(countries)
                case .percent: value = String(12 + rng.below(75))
                case .year: value = String(2027 + rng.below(4))
                case .mention: value = speaker?.mention ?? ""
                case .group: value = speaker?.group ?? ""
                }
            }
            if capitalize && position == 0 { value = capitalized(value) }
            if bold {
                text += "**"
                text += value
                text += "**"
            } else {
                text += value
            }
        }
    }

    private static func capitalized(_ phrase: String) -> String {
        guard let first = phrase.first, first.isLowercase else { return phrase }
        return first.uppercased() + phrase.dropFirst()
    }

    enum Slot: String {
        case topic, problem, proposal, actor, actorShould, actorMust, fact, place, org, country, percent, year
        case mention, group
    }

    enum Piece {
        case text(String)
        case slot(Slot)
    }

    /// "Propongo {proposal}." → [.text("Propongo "), .slot(.proposal), .text(".")], parsed once.
    static func parse(_ template: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            guard let slot = Slot(rawValue: String(rest[rest.index(after: open)..<close])) else {
                preconditionFailure("unknown slot in demo template: \(template)")
            }
            pieces.append(.slot(slot))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }

    static let titles = [
        "¿Cómo mejorar {topic}?", "{problem} en {place}", "Experiencias sobre {topic} en {place}",
        "¿Qué hacemos con {problem}?", "Preguntas sobre {topic}", "Ideas para {proposal}",
        "{topic}: una mirada desde {place}", "Dudas sobre {topic}", "¿Es hora de {proposal}?",
        "{topic} y {problem}", "Lo que aprendimos en {place} sobre {topic}",
    ].map(parse)

    static let proposalTitles = ["Propuesta: {proposal}", "Propuesta para {place}: {proposal}", "Proponemos {proposal}"].map(parse)

    static let proposalOpenings = [
        "Propongo {proposal}.", "Nuestra propuesta para la agenda del próximo año: {proposal}.",
        "Traigo una propuesta concreta: {proposal}.",
    ].map(parse)

    static let sentences = [
        "{actorShould} {proposal}.", "Propongo {proposal}.", "Mi propuesta concreta: {proposal}.",
        "En {place}, {fact}.", "Lo que más preocupa en {place} es {problem}.", "Un dato para la discusión: {fact}.",
        "Hoy {fact}, y por eso urge hablar sobre {topic}.", "Sobre {topic}, {actorMust} rendir cuentas con datos públicos.",
        "Según {org}, cerca del {percent} % de las personas consultadas en {place} menciona {problem}.",
        "Nadie discute la importancia de {topic}, pero faltan metas concretas.",
        "Con {problem} no hay confianza posible.", "Tanto {actor} como la sociedad civil tienen que participar en la solución.",
        "Una salida razonable sería {proposal}, con plazos claros y revisión pública.",
        "La experiencia de {country} muestra que es posible {proposal}.", "No basta con campañas: hace falta {proposal}.",
        "El debate sobre {topic} necesita más voces desde {place}.", "¿Quién supervisa {topic} hoy? Nadie lo hace de forma pública.",
        "Es urgente atender {problem}.", "Para {year} deberíamos {proposal}.", "En mi comunidad, {fact}.",
        "{topic} no es un lujo: es una condición para ejercer derechos.",
        "Me pregunto si {actorShould} publicar un informe anual sobre {topic}.",
    ].map(parse)

    static let replyOpeners = [
        "Coincido con lo que se ha dicho.", "Gracias por abrir este hilo.", "No estoy de acuerdo del todo.",
        "Buen punto, {mention}.", "Desde {group}, lo veo de otra manera.", "Agrego un matiz.", "Respondo con un ejemplo.",
        "Totalmente de acuerdo.", "Tengo una duda, {mention}.", "Interesante, pero falta un dato.",
    ].map(parse)

    static let closers = ["¿Qué opinan?", "Me interesa conocer otras experiencias.", "Espero sus comentarios.",
                          "¿Alguien tiene datos más recientes?"]

    static let listIntros = ["Propongo estas medidas:", "Algunas ideas concretas:", "Lo mínimo que pediría:",
                             "Para empezar:"]

    static let linkTexts = ["este informe", "el estudio completo", "la encuesta", "los datos abiertos"]
    static let linkPaths = ["informe", "datos", "encuesta", "estudio"]

    static let places = ["Huehuetenango", "Alta Verapaz", "Quetzaltenango", "Petén", "la Ciudad de Guatemala", "Sololá",
                         "Escuintla", "Izabal", "Chiquimula", "San Marcos", "Totonicapán", "Jutiapa", "Mixco", "Cobán"]

    static let organizations = ["la Universidad de San Carlos", "la CEPAL", "la UIT", "una encuesta universitaria",
                                "un estudio regional", "una organización local", "la Universidad Rafael Landívar"]

    static let countries = ["Chile", "Brasil", "México", "Costa Rica", "Colombia", "Uruguay", "Perú", "España"]

    static let groupPhrases: [Stakeholder: String] = [
        .government: "el gobierno", .privateSector: "el sector privado", .civilSociety: "la sociedad civil",
        .academia: "la academia", .technicalCommunity: "la comunidad técnica",
        .internationalOrganization: "los organismos internacionales", .individual: "mi experiencia personal",
    ]

    /// In the order of `BoardSeed.panelThemes`.
    static let themes: [Theme] = [
        Theme(
            slug: "neutralidad-de-la-red",
            topics: ["la neutralidad de la red", "la gestión del tráfico", "la tasa cero en los planes móviles",
                     "la transparencia de los proveedores de acceso", "la calidad del servicio móvil",
                     "el acceso abierto a contenidos", "la interconexión entre redes", "la velocidad real de las conexiones"],
            problems: ["el bloqueo de llamadas por aplicaciones", "la priorización pagada de ciertos servicios",
                       "la degradación del tráfico en horas pico", "los contratos con letra pequeña",
                       "la falta de mediciones independientes", "los planes que solo incluyen redes sociales",
                       "la discriminación de contenidos locales"],
            proposals: ["prohibir la priorización pagada", "publicar informes trimestrales de gestión de tráfico",
                        "crear un medidor ciudadano de velocidad", "exigir contratos claros y comparables",
                        "incluir la neutralidad en la Ley General de Telecomunicaciones",
                        "sancionar el bloqueo injustificado de aplicaciones",
                        "permitir excepciones solo por seguridad de la red, con justificación pública"],
            actors: [("los proveedores de acceso a Internet", true), ("la Superintendencia de Telecomunicaciones", false),
                     ("el Congreso", false), ("los operadores móviles", true), ("las empresas de contenido", true),
                     ("las pequeñas empresas", true)],
            facts: ["los planes prepago dominan el mercado", "muchos usuarios solo conocen Internet a través de una red social",
                    "la mayoría de contratos no informa la velocidad mínima garantizada",
                    "el tráfico de video crece cada año", "las quejas por lentitud se concentran en zonas rurales"]
        ),
        Theme(
            slug: "proteccion-de-datos",
            topics: ["la protección de datos personales", "el consentimiento informado", "la información de los usuarios",
                     "los datos biométricos", "la privacidad en aplicaciones móviles", "las bases de datos del Estado",
                     "el derecho de acceso y rectificación", "la seguridad de la información"],
            problems: ["la venta de bases de datos con información personal", "las filtraciones en instituciones públicas",
                       "las llamadas de cobro con datos obtenidos sin permiso", "la recolección excesiva de datos",
                       "las políticas de privacidad ilegibles", "el uso de datos sin consentimiento"],
            proposals: ["aprobar una ley de protección de datos personales",
                        "crear una autoridad independiente de protección de datos",
                        "obligar a notificar las filtraciones en 72 horas", "reconocer el derecho al olvido con límites claros",
                        "auditar las bases de datos del Estado", "exigir políticas de privacidad en lenguaje sencillo",
                        "limitar la retención de datos al mínimo necesario"],
            actors: [("el Registro Nacional de las Personas", false), ("los bancos", true), ("las empresas de telefonía", true),
                     ("los centros de llamadas", true), ("las plataformas digitales", true), ("el Ministerio de Gobernación", false)],
            facts: ["Guatemala todavía no tiene una ley general de protección de datos", "el DPI se pide para casi cualquier trámite",
                    "las filtraciones rara vez se comunican a los afectados",
                    "muchas aplicaciones piden permisos que no necesitan", "los datos de salud circulan sin protección especial"]
        ),
        Theme(
            slug: "ninez-y-adolescencia",
            topics: ["la seguridad de niños, niñas y adolescentes en línea", "la educación digital en las escuelas",
                     "el acompañamiento de madres y padres", "el ciberacoso escolar", "el tiempo frente a las pantallas",
                     "la privacidad de los menores", "los videojuegos en línea", "la alfabetización mediática"],
            problems: ["el grooming en redes sociales", "el ciberacoso entre compañeros", "la exposición a contenidos violentos",
                       "la publicación de fotos de menores sin permiso", "la falta de docentes capacitados",
                       "la recolección de datos de menores por aplicaciones"],
            proposals: ["incluir la ciudadanía digital en el currículo nacional", "capacitar a docentes en seguridad en línea",
                        "crear una línea de denuncia para casos de grooming", "exigir controles parentales sencillos",
                        "lanzar campañas en idiomas mayas", "proteger los datos de menores con reglas más estrictas",
                        "formar a madres y padres en talleres comunitarios"],
            actors: [("el Ministerio de Educación", false), ("la Procuraduría General de la Nación", false), ("las escuelas", true),
                     ("las familias", true), ("las plataformas de videojuegos", true), ("la Policía Nacional Civil", false)],
            facts: ["muchos niños reciben su primer teléfono antes de los diez años", "los docentes piden materiales en su idioma",
                    "las denuncias de grooming aumentaron en los últimos años", "las familias rurales comparten un solo teléfono",
                    "los adolescentes pasan varias horas al día en línea"]
        ),
        Theme(
            slug: "libertad-de-expresion-electoral",
            topics: ["la libertad de expresión en campaña", "la desinformación electoral", "la publicidad política en redes",
                     "la moderación de contenidos durante las elecciones", "el periodismo independiente",
                     "la transparencia de los anuncios políticos", "el debate público en línea"],
            problems: ["las campañas de desinformación coordinadas", "los ataques a periodistas en redes", "los netcenters",
                       "la publicidad política sin identificar quién paga", "la remoción arbitraria de contenidos",
                       "el discurso de odio contra candidatas"],
            proposals: ["crear un archivo público de anuncios políticos", "exigir que se identifique quién paga cada anuncio",
                        "apoyar iniciativas de verificación de datos", "publicar las solicitudes de retiro de contenidos",
                        "proteger a periodistas frente al acoso digital", "evitar leyes que criminalicen la opinión",
                        "capacitar al Tribunal Supremo Electoral en plataformas digitales"],
            actors: [("el Tribunal Supremo Electoral", false), ("los partidos políticos", true),
                     ("las plataformas de redes sociales", true), ("los medios de comunicación", true),
                     ("la Procuraduría de los Derechos Humanos", false), ("la ciudadanía", false)],
            facts: ["los netcenters operan sobre todo en periodos de campaña",
                    "la mayoría de votantes jóvenes se informa por redes sociales",
                    "los anuncios políticos se pagan a menudo desde cuentas anónimas",
                    "las candidatas reciben más ataques en línea que los candidatos",
                    "los rumores circulan más rápido en grupos de mensajería"]
        ),
        Theme(
            slug: "banda-ancha",
            topics: ["la banda ancha en Guatemala", "la conectividad rural", "el espectro radioeléctrico", "la fibra óptica",
                     "las redes comunitarias", "el servicio universal", "el precio de la conexión", "la infraestructura compartida"],
            problems: ["la falta de cobertura en las aldeas", "los precios altos de la conexión fija",
                       "los trámites municipales para instalar antenas", "la brecha digital entre campo y ciudad",
                       "la baja velocidad en las escuelas", "el robo de cable"],
            proposals: ["usar el fondo de servicio universal (FONDETEL) para conectar escuelas",
                        "publicar mapas de cobertura por municipio", "simplificar los permisos para infraestructura",
                        "reservar espectro para redes comunitarias", "promover la compartición de torres y ductos",
                        "fijar metas de velocidad mínima por municipio", "conectar primero centros de salud y escuelas"],
            actors: [("el Ministerio de Comunicaciones", false), ("las municipalidades", true), ("los operadores", true),
                     ("las cooperativas", true), ("las redes comunitarias", true), ("la Superintendencia de Telecomunicaciones", false)],
            facts: ["menos de la mitad de los hogares tiene conexión fija", "muchas aldeas dependen de una sola antena",
                    "un plan mensual cuesta varios días de salario mínimo",
                    "la conexión móvil es la única opción en gran parte del país", "las escuelas rurales casi no tienen Internet"]
        ),
        Theme(
            slug: "pagos-y-documentos-electronicos",
            topics: ["los pagos electrónicos", "la firma electrónica avanzada", "la factura electrónica", "la billetera móvil",
                     "la inclusión financiera", "los documentos electrónicos", "la identidad digital",
                     "la seguridad de las transacciones"],
            problems: ["los fraudes por mensajes de texto", "las comisiones altas por transferencias",
                       "la desconfianza en los pagos en línea", "la falta de validez de algunos documentos digitales",
                       "el robo de identidad", "los comercios que solo aceptan efectivo"],
            proposals: ["reconocer la firma electrónica en todos los trámites públicos",
                        "reducir las comisiones de las transferencias pequeñas",
                        "crear un sistema de pagos inmediatos interoperable", "educar en prevención de fraudes",
                        "permitir abrir cuentas simplificadas desde el teléfono",
                        "exigir autenticación de dos factores en la banca en línea",
                        "aceptar documentos electrónicos en las municipalidades"],
            actors: [("la Superintendencia de Bancos", false), ("el Banco de Guatemala", false), ("la SAT", false),
                     ("los bancos", true), ("las cooperativas de ahorro", true), ("los comercios", true)],
            facts: ["muchas personas no tienen cuenta bancaria", "las remesas llegan a millones de hogares",
                    "la factura electrónica ya es obligatoria para muchos contribuyentes",
                    "los fraudes por teléfono crecieron durante la pandemia",
                    "la mayoría de pagos pequeños todavía se hace en efectivo"]
        ),
    ]
}
