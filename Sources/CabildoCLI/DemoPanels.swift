import CabildoCore
import Foundation

/// The six live panels of the 2018 national forum (25 October 2018, Universidad del Istmo,
/// Fraijanes; `shared/data/panels-2018.md`), which `cabildo seed --demo` puts on the boards.
enum DemoPanels {
    /// 25 October 2018 at `hour`:`minute` in Guatemala (UTC−6, no daylight saving).
    private static func at(_ hour: Int, _ minute: Int) -> Date {
        Date(timeIntervalSince1970: 1_540_425_600 + TimeInterval((hour + 6) * 3600 + minute * 60))
    }

    private static let morning = (at(10, 30), at(12, 30))
    private static let afternoon = (at(13, 30), at(15, 30))

    static let bySlug: [String: BoardPanel] = [
        "neutralidad-de-la-red": BoardPanel(
            startsAt: morning.0, endsAt: morning.1, place: "Aula Seminario, UNIS, Fraijanes", moderators: "Fred Clark",
            panelists: "Freddy Arévalo (Intelcom); Karl Monzón (CyberSeg); José Luis Chávez (Haru Technologies)"),
        "proteccion-de-datos": BoardPanel(
            startsAt: morning.0, endsAt: morning.1, place: "Auditorio Ficohsa, UNIS, Fraijanes", moderators: "Álvaro Gálvez; Sofía Benítez",
            panelists: "Alexander Díaz García (Alediaganet Consulting); José Rodrigo Valladares (Congreso); Gabriel Juárez Lucas "
                + "(Viceministro de TIC, Ministerio de Gobernación); Omar Ricardo Barrios Osorio; José Leonett (Observatorio de "
                + "Ciberseguridad); Héctor Vega (Cyber Seguridad S.A.); Jonathan Efraín Hernández; Raquel Gatto (ISOC)"),
        "ninez-y-adolescencia": BoardPanel(
            startsAt: morning.0, endsAt: morning.1, place: "Auditorio Antonio Rodríguez Pedrazuela, UNIS, Fraijanes",
            moderators: "Montserrat Vidal (UNESCO)",
            panelists: "Fernando Morales (Lec Computación); Wilson Ordóñez (Ministerio de Gobernación); Vivian Rodríguez (Aldeas "
                + "Infantiles SOS); Karen Revolorio (Refugio de la Niñez); Eugenia Rodríguez (Instituto DEMOS); Jorge Utrera (SISAP)"),
        "libertad-de-expresion-electoral": BoardPanel(
            startsAt: afternoon.0, endsAt: afternoon.1, place: "Auditorio Antonio Rodríguez Pedrazuela, UNIS, Fraijanes",
            moderators: "Anabella Rivera (Instituto DEMOS)",
            panelists: "Omar Barrios Osorio; Sofía Menchú; Gustavo Berganza; Stephanie López (Tribunal Supremo Electoral); Javier "
                + "Soria (Alianza por las Reformas); Ronaldo Robles"),
        "banda-ancha": BoardPanel(
            startsAt: afternoon.0, endsAt: afternoon.1, place: "Auditorio Ficohsa, UNIS, Fraijanes", moderators: "Fred Clark; Andrea Alvarado",
            panelists: "Francisco Soto (UNIS); Antonio Sobalvarro (Mobilges); Raúl Solares (Acceso Digital)"),
        "pagos-y-documentos-electronicos": BoardPanel(
            startsAt: afternoon.0, endsAt: afternoon.1, place: "Aula Seminario, UNIS, Fraijanes",
            panelists: "Ernesto Rodríguez (Facultad de Ingeniería, UNIS)"),
    ]
}
