from __future__ import annotations

import pytest
from sqlmodel import select

from crisis_tui.core.models import Activity, Site
from crisis_tui.core.reference import Ambiguous, load_reference


@pytest.fixture
def ref(home):
    return load_reference(home)


@pytest.mark.parametrize(
    "value, code",
    [
        ("ARL", "ARL"), ("arlon", "ARL"), ("Clinique du Sud-Luxembourg", "ARL"), ("  csl ", "ARL"),
        ("HOPITAL D'ARLON", "ARL"), ("Hôpital de Bastogne", "BAS"), ("Centre Hospitalier de l'Ardenne", "LIB"),
        ("Agenda consultations CHA.xlsx", "LIB"), ("Hopital Princesse-Paola", "MAR"), ("IFAC", "MAR"),
        ("CHS La Clairière", "BER"), ("la clairiere", "BER"), ("virton", "VIR"), ("Ziekenhuis Aarlen", "ARL"),
        ("Bastenaken", "BAS"),
    ],
)
def test_site_aliases(ref, value, code):
    assert ref.find_site(value) == code


@pytest.mark.parametrize(
    "value, code",
    [
        ("Consultations", "consultation"), ("Scinti cardiaque", "scintigraphy"), ("IRM genou", "radiology"),
        ("Médecine nucléaire", "scintigraphy"), ("RX thorax", "radiology"), ("Prise de sang", "blood_draw"),
        ("Bloedafname", "blood_draw"), ("OK", "surgery"), ("Opérations", "surgery"), ("dépistage", "covid_centre"),
        ("Agenda consultations CHA.xlsx", "consultation"), ("raadpleging", "consultation"),
        ("Échographie abdominale", "radiology"), ("Raadplegingen Marche.ods", "consultation"),
        ("Echografieën", "radiology"), ("Scintigrafieën week 16", "scintigraphy"), ("Geplande ingrepen", "surgery"),
        ("NMR knie", "radiology"), ("PET-CT", "scintigraphy"), ("PET CT thorax", "scintigraphy"),
        ("TEP-scan corps entier", "scintigraphy"),
    ],
)
def test_activity_aliases(ref, value, code):
    assert ref.find_activity(value) == code


def test_unknown_and_ambiguous(ref):
    assert ref.find_site("Namur") is None
    assert ref.find_site("") is None
    with pytest.raises(Ambiguous):
        ref.find_site("Arlon Bastogne")
    with pytest.raises(Ambiguous):
        ref.find_activity("consultation radiologie")
    with pytest.raises(Ambiguous):  # two names at two places: neither is inside the other
        ref.find_activity("Scanner puis PET")


def test_reference_synced_into_database(workspace):
    with workspace.session() as s:
        assert {x.code for x in s.exec(select(Site))} >= {"ARL", "LIB", "MAR", "BAS", "VIR", "BER"}
        assert {x.code for x in s.exec(select(Activity))} == {
            "consultation", "surgery", "radiology", "scintigraphy", "covid_centre", "blood_draw"}
        assert s.get(Activity, "surgery").channel == "call" and s.get(Activity, "surgery").patient_level


def test_home_copy_of_reference_takes_precedence(home):
    (home.data_dir / "sites.csv").write_text("code,name,kind,aliases\nXYZ,Test,hospital,Testville\n", encoding="utf-8")
    assert [s.code for s in load_reference(home).sites] == ["XYZ"]


def test_bad_kind_names_the_line(home):
    (home.data_dir / "sites.csv").write_text("code,name,kind,aliases\nXYZ,Test,castle,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_reference(home)


def test_fold_keeps_letters_without_a_decomposition():
    from crisis_tui.core.text import fold, key

    assert fold("Ørsted Æbeltoft Œuvre Straße") == "orsted aebeltoft oeuvre strasse"
    assert key("D'HONDT  Marie-Claire") == "d hondt marie claire"
