"""Reading exports into canonical frames: formats, profiles, outcome rules and every bad input."""

import datetime as dt

import polars as pl
import pytest
from openpyxl import Workbook

from pfspilot.contacts.mapping import MappingError, load_mapping
from pfspilot.contacts.reader import hash_caller, read_records
from pfspilot.engine.records import CALL_COLUMNS
from tests.timeutil import paris

from .helpers import CALL_HEADER, CALL_ROWS, calls_csv, write


def messages(result):
    return [(e.line, e.field, e.message_fr) for e in result.errors]


def test_it_reads_the_canonical_csv_into_the_canonical_columns(tmp_path):
    result = read_records("calls", [write(tmp_path, "a.csv", calls_csv())], "canonical")
    assert result.errors == []
    frame = result.frame
    assert frame.columns == list(CALL_COLUMNS)
    assert frame["call_id"].to_list() == ["c1", "c2", "c3"]
    assert frame["outcome"].to_list() == ["answered", "abandoned", "ivr"]
    assert frame["arrival"][0] == paris(2026, 3, 2, 9, 0, 0)
    assert frame["wait_s"].to_list() == [30.0, 45.0, None]
    assert frame["talk_s"].to_list() == [300.0, None, None]
    assert frame["agent"].to_list() == ["bob", None, None]


def test_it_hashes_caller_identifiers(tmp_path):
    frame = read_records("calls", [write(tmp_path, "a.csv", calls_csv())], "canonical").frame
    assert frame["caller_id"].to_list() == [hash_caller("0601020304")] * 2 + [None]
    assert "0601020304" not in frame["caller_id"][0]
    assert len(frame["caller_id"][0]) == 64


def test_it_derives_the_talk_time_from_timestamps_when_missing(tmp_path):
    rows = [CALL_ROWS[0].replace(",30,300,20,", ",30,,20,")]
    frame = read_records("calls", [write(tmp_path, "a.csv", calls_csv(rows))], "canonical").frame
    assert frame["talk_s"].to_list() == [300.0]


@pytest.mark.parametrize(
    "name,sep,encoding,compress",
    [
        ("semicolon.csv", ";", "utf-8", False),
        ("tab.tsv", "\t", "utf-8", False),
        ("latin1.csv", ";", "latin-1", False),
        ("comma.csv.gz", ",", "utf-8", True),
        ("latin1.tsv.gz", "\t", "latin-1", True),
    ],
)
def test_it_detects_delimiter_encoding_and_compression(tmp_path, name, sep, encoding, compress):
    rows = [CALL_ROWS[0].replace("AAH", "Décès")]
    path = write(tmp_path, name, calls_csv(rows, sep=sep), encoding=encoding, compress=compress)
    result = read_records("calls", [path], "canonical")
    assert result.errors == []
    assert result.frame["motif"].to_list() == ["Décès"]


def test_it_reads_xlsx_with_real_date_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(CALL_HEADER.split(","))
    sheet.append(
        ["x1", 612345678, dt.datetime(2026, 3, 2, 9, 0), None, dt.datetime(2026, 3, 2, 9, 0, 5)]
        + [None, dt.datetime(2026, 3, 2, 9, 1), dt.datetime(2026, 3, 2, 9, 3), 55, 120.0, None]
        + ["bob", None, None, None, None]
    )
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = read_records("calls", [path], "canonical")
    assert result.errors == []
    row = result.frame.row(0, named=True)
    assert row["arrival"] == paris(2026, 3, 2, 9, 0)
    assert row["caller_id"] == hash_caller("612345678")
    assert row["outcome"] == "answered"
    assert row["talk_s"] == 120.0


PROFILE = """
name = "essai"
source = "essai"

[calls]
null_values = ["", "NULL"]
duration_tolerance_s = 1
[calls.formats]
date = "%d/%m/%Y"
time = "%H:%M:%S"
[calls.columns]
call_id = ["SITE", "ID"]
caller_id = "ALLOC"
arrival = { date = "JOUR", time = "ARRIVEE" }
queue_entry = { date = "JOUR", time = "FILE" }
answered_at = { date = "JOUR", time = "DECROCHE" }
ended_at = { date = "JOUR", time = "FIN" }
agent = "AGENT"
outcome = "ISSUE"
[calls.nulls]
caller_id = ["0"]
queue_entry = ["00:00:00"]
answered_at = ["00:00:00"]
ended_at = ["00:00:00"]
[calls.values.outcome]
OK = "answered"
RACC = "unanswered"
[calls.ignore]
TYPE = ["TEST"]
[calls.constants]
queue = "Allocataires"
"""
PROFILE_HEADER = "SITE;ID;ALLOC;JOUR;ARRIVEE;FILE;DECROCHE;FIN;AGENT;ISSUE;TYPE"


def profile_file(tmp_path, rows):
    mapping = tmp_path / "essai.toml"
    mapping.write_text(PROFILE, encoding="utf-8")
    data = write(tmp_path, "export.csv", "\n".join([PROFILE_HEADER, *rows]) + "\n")
    return read_records("calls", [data], str(mapping))


def test_it_applies_a_profile_columns_formats_nulls_values_ignores_and_constants(tmp_path):
    result = profile_file(
        tmp_path,
        [
            "A;1;77;02/03/2026;23:58:00;23:59:00;00:01:00;00:05:00;bob;OK;PROD",
            "A;2;0;02/03/2026;10:00:00;10:00:30;00:00:00;00:00:00;NULL;RACC;PROD",
            "A;3;0;02/03/2026;11:00:00;00:00:00;00:00:00;00:00:00;NULL;RACC;PROD",
            "A;4;0;02/03/2026;12:00:00;00:00:00;00:00:00;00:00:00;NULL;RACC;TEST",
        ],
    )
    assert result.errors == []
    assert result.ignored == 1
    frame = result.frame
    assert frame["call_id"].to_list() == ["A-1", "A-2", "A-3"]
    assert frame["outcome"].to_list() == ["answered", "abandoned", "ivr"]
    assert frame["caller_id"].to_list() == [hash_caller("77"), None, None]
    # Answered after midnight: the times on the arrival's date roll over to the next day.
    assert frame["answered_at"][0] == paris(2026, 3, 3, 0, 1)
    assert frame["talk_s"][0] == 240.0
    assert frame["wait_s"][0] == 120.0
    assert frame["queue"].to_list() == ["Allocataires"] * 3


def test_it_refuses_an_unknown_outcome_value(tmp_path):
    result = profile_file(
        tmp_path, ["A;1;0;02/03/2026;10:00:00;00:00:00;00:00:00;00:00:00;NULL;PERDU;PROD"]
    )
    assert messages(result) == [
        (2, "ISSUE", "valeur inconnue « PERDU » (attendu : answered, ivr, abandoned, unanswered)")
    ]


def test_it_names_line_and_field_of_unparseable_dates_and_times(tmp_path):
    result = profile_file(
        tmp_path,
        [
            "A;1;0;02/03/2026;10:00:00;00:00:00;00:00:00;00:00:00;NULL;RACC;PROD",
            "A;2;0;31/02/2026;10:00:00;00:00:00;00:00:00;00:00:00;NULL;RACC;PROD",
            "A;3;0;02/03/2026;25:00:00;00:00:00;00:00:00;00:00:00;NULL;RACC;PROD",
        ],
    )
    assert messages(result) == [
        (
            3,
            "JOUR + ARRIVEE",
            "date/heure illisible « 31/02/2026 10:00:00 » (format attendu %d/%m/%Y %H:%M:%S)",
        ),
        (
            4,
            "JOUR + ARRIVEE",
            "date/heure illisible « 02/03/2026 25:00:00 » (format attendu %d/%m/%Y %H:%M:%S)",
        ),
    ]


def test_it_reports_negative_and_contradicted_durations_and_duplicates(tmp_path):
    rows = [
        CALL_ROWS[0],
        CALL_ROWS[1].replace("c2,", "c1,", 1),
        CALL_ROWS[0].replace("c1,", "c4,", 1).replace(",30,300,20,", ",30,-5,20,"),
        CALL_ROWS[0].replace("c1,", "c5,", 1).replace(",30,300,20,", ",90,300,20,"),
    ]
    result = read_records("calls", [write(tmp_path, "a.csv", calls_csv(rows))], "canonical")
    assert messages(result) == [
        (3, "call_id", "identifiant « c1 » en double (déjà ligne 2)"),
        (4, "talk_s", "durée négative (-5 s)"),
        (5, "wait_s", "durée de 90 s contredite par les horodatages (30 s)"),
    ]
    assert str(result.errors[0]) == (
        "a.csv, ligne 3, champ « call_id » : identifiant « c1 » en double (déjà ligne 2)"
    )


def test_it_reports_missing_required_values(tmp_path):
    rows = [CALL_ROWS[2].replace("2026-03-02 11:00:00", "")]
    result = read_records("calls", [write(tmp_path, "a.csv", calls_csv(rows))], "canonical")
    assert messages(result) == [(2, "arrival", "valeur obligatoire absente")]


def test_it_refuses_missing_columns(tmp_path):
    header = CALL_HEADER.replace(",arrival,", ",arrivee,")
    result = read_records(
        "calls", [write(tmp_path, "a.csv", calls_csv(header=header))], "canonical"
    )
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.line, error.field) == (1, "arrival")
    assert error.message_fr.startswith("colonne(s) manquante(s) : arrival (séparateur « virgule »")
    assert result.frame.is_empty()


def test_it_refuses_an_unknown_delimiter(tmp_path):
    result = read_records("calls", [write(tmp_path, "a.csv", calls_csv(sep="|"))], "canonical")
    assert messages(result) == [
        (
            1,
            "",
            "séparateur non reconnu : l'en-tête ne se découpe ni par virgule, ni par "
            "point-virgule, ni par tabulation (caractères rencontrés : |).",
        )
    ]


def test_it_refuses_a_delimiter_other_than_the_profile_says(tmp_path):
    mapping = tmp_path / "p.toml"
    mapping.write_text(
        '[emails]\ndelimiter = ";"\n[emails.columns]\nemail_id = "id"\n'
        'received_at = "recu"\nkind = "nature"\n',
        encoding="utf-8",
    )
    data = write(tmp_path, "m.csv", "id,recu,nature\nm1,2026-03-02 09:00:00,niveau1\n")
    result = read_records("emails", [data], str(mapping))
    assert messages(result) == [
        (
            1,
            "",
            "séparateur incorrect : le profil attend « point-virgule » mais l'en-tête est "
            "séparé par « virgule ».",
        )
    ]


def test_it_refuses_a_line_with_missing_fields(tmp_path):
    rows = [CALL_ROWS[0], "c9,,2026-03-02 11:00:00"]
    result = read_records("calls", [write(tmp_path, "a.csv", calls_csv(rows))], "canonical")
    assert messages(result) == [
        (3, "", "ligne incomplète : moins de 16 champs (séparateur incorrect ou ligne tronquée).")
    ]


def test_it_refuses_a_line_with_extra_fields(tmp_path):
    rows = [CALL_ROWS[0], CALL_ROWS[2] + ",en trop"]
    result = read_records("calls", [write(tmp_path, "a.csv", calls_csv(rows))], "canonical")
    assert messages(result) == [
        (3, "", "17 champs au lieu de 16 : séparateur ou guillemets incorrects sur cette ligne.")
    ]


def test_it_refuses_utf16_and_a_wrong_declared_encoding(tmp_path):
    result = read_records(
        "calls", [write(tmp_path, "u.csv", calls_csv(), encoding="utf-16")], "canonical"
    )
    assert result.errors[0].message_fr.startswith("encodage non reconnu (octets nuls")
    mapping = tmp_path / "p.toml"
    mapping.write_text(
        '[emails]\nencoding = "utf-8"\n[emails.columns]\nemail_id = "id"\n'
        'received_at = "recu"\nkind = "nature"\nmotif = "motif"\n',
        encoding="utf-8",
    )
    text = "id,recu,nature,motif\nm1,2026-03-02 09:00:00,niveau1,RSA\nm2,2026-03-02 09:00:00,niveau1,Décès\n"
    result = read_records(
        "emails", [write(tmp_path, "l.csv", text, encoding="latin-1")], str(mapping)
    )
    assert messages(result) == [
        (
            3,
            "",
            "le fichier n'est pas en UTF-8 comme le profil l'indique (essayez l'encodage Latin-1).",
        )
    ]


def test_it_refuses_empty_files_and_header_only_files(tmp_path):
    empty = read_records("calls", [write(tmp_path, "vide.csv", "")], "canonical")
    assert messages(empty) == [(0, "", "le fichier est vide.")]
    header = read_records("calls", [write(tmp_path, "entete.csv", CALL_HEADER + "\n")], "canonical")
    assert messages(header) == [
        (1, "", "le fichier ne contient aucune ligne de données (en-tête seul).")
    ]


def test_it_refuses_a_too_large_file_before_reading_it(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 100
    path = write(tmp_path, "gros.csv", calls_csv())
    result = read_records("calls", [path], "canonical")
    assert len(result.errors) == 1
    assert result.errors[0].message_fr.startswith("fichier trop volumineux (")
    assert "maximum 100\u00a0octets" in result.errors[0].message_fr


def test_it_refuses_a_gzip_that_inflates_beyond_the_limit(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 400
    rows = CALL_ROWS * 3
    path = write(
        tmp_path, "bombe.csv.gz", calls_csv([r.replace("c", "d") for r in rows]), compress=True
    )
    assert path.stat().st_size < 400
    result = read_records("calls", [path], "canonical")
    assert result.errors[0].message_fr.startswith("fichier décompressé trop volumineux")


def test_it_reads_emails_surveys_and_activity(tmp_path):
    emails = write(
        tmp_path,
        "m.csv",
        "email_id,received_at,kind,motif,agent,team,answered_at,template\n"
        "m1,2026-03-02 09:00:00,niveau1,RSA,bob,,2026-03-03 10:00:00,T1\n"
        "m2,2026-03-02 09:30:00,reclamation,,,,,\n",
    )
    frame = read_records("emails", [emails], "canonical").frame
    assert frame["kind"].to_list() == ["niveau1", "reclamation"]
    assert frame["answered_at"].to_list() == [paris(2026, 3, 3, 10), None]
    surveys = write(
        tmp_path,
        "s.csv",
        "survey_id,channel,answered_on,score,satisfied\n"
        's1,telephone,2026-03-02,4,oui\ns2,courriel,2026-03-03,"1,5",0\n',
    )
    frame = read_records("surveys", [surveys], "canonical").frame
    assert frame["satisfied"].to_list() == [True, False]
    assert frame["score"].to_list() == [4.0, 1.5]
    assert frame["answered_on"].to_list() == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
    activity = write(
        tmp_path,
        "act.csv",
        "agent,team,day,phone_s,email_s\nbob,,2026-03-02,21600,3600\nbob,,2026-03-02,1,1\n",
    )
    result = read_records("activity", [activity], "canonical")
    assert messages(result) == [
        (3, "agent", "identifiant « bob / 2026-03-02 » en double (déjà ligne 2)")
    ]
    assert result.frame.schema["day"] == pl.Date


def test_it_refuses_unknown_vocabulary_and_booleans(tmp_path):
    surveys = write(
        tmp_path,
        "s.csv",
        "survey_id,channel,answered_on,score,satisfied\ns1,fax,2026-03-02,4,peut-être\n",
    )
    result = read_records("surveys", [surveys], "canonical")
    assert messages(result) == [
        (2, "channel", "valeur inconnue « fax » (attendu : telephone, courriel)"),
        (2, "satisfied", "valeur « peut-être » ni oui ni non"),
    ]


def test_it_derives_satisfaction_from_a_score_threshold(tmp_path):
    mapping = tmp_path / "p.toml"
    mapping.write_text(
        '[surveys]\nsatisfied_min_score = 4\nscale = "1-5"\n[surveys.columns]\n'
        'survey_id = "id"\nanswered_on = "date"\nscore = "note"\n'
        '[surveys.constants]\nchannel = "telephone"\n',
        encoding="utf-8",
    )
    data = write(tmp_path, "s.csv", "id,date,note\na,2026-03-02,5\nb,2026-03-02,3\n")
    frame = read_records("surveys", [data], str(mapping)).frame
    assert frame["satisfied"].to_list() == [True, False]
    assert frame["channel"].to_list() == ["telephone", "telephone"]


def test_it_loads_builtin_profiles_and_explains_unknown_ones(tmp_path):
    assert load_mapping("anonymous-bank").source == "anonymous-bank"
    assert set(load_mapping("canonical").kinds) == {"calls", "emails", "surveys", "activity"}
    with pytest.raises(MappingError, match="Profil d'import introuvable : « inconnu »"):
        load_mapping("inconnu")
    bad = tmp_path / "bad.toml"
    bad.write_text('[calls.columns]\ncall_id = "id"\n', encoding="utf-8")
    with pytest.raises(
        MappingError, match=r"champ\(s\) obligatoire\(s\) non décrit\(s\) : arrival"
    ):
        load_mapping(str(bad))
    with pytest.raises(MappingError, match="ne décrit pas ce type d'enregistrement"):
        load_mapping("anonymous-bank").for_kind("emails")
