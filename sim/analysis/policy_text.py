"""The words of the policy summary and memo, in English and Dutch.

Kept apart from the arithmetic in :mod:`sim.analysis.policy` so that a translator reads
one file. Every entry is a ``str.format`` template; the keys are the same in both
languages (a test checks it). ``general`` holds the words that replace the PPS ones when the
compared policies are not PPS contract designs (see :func:`sim.analysis.policy.is_pps`).
"""

from __future__ import annotations

from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Comparing PPS contract designs across uncertain futures",
        "quick_warning": "Quick run: only {futures} futures. Rankings from a run this small are "
        "not reliable; run the full experiment before drawing conclusions.",
        "few_warning": "Only {futures} futures: the intervals below are wide and rankings may "
        "change with more futures.",
        "designs": "The designs side by side",
        "results": "How each design fares",
        "verdicts": "What the numbers say",
        "breaks": "Which futures break each design?",
        "assumptions": "Assumptions",
        "leaves_out": "What the model leaves out",
        "glossary": "How to read the numbers",
        "design": "Design",
        "lever": "Lever",
        "measure": "Outcome",
        "mean": "Mean",
        "worst_decile": "Worst 10%",
        "max_regret": "Maximum regret",
        "best_share": "Best in",
        "value": "Value created",
        "survival": "Runs the full contract term",
        "exposure": "Public partner's fiscal exposure",
        "lower_better": "lower is better",
        "either_or": "—: with one run per future a design either runs the full contract term in a "
        "future or not, so its worst 10% and regret say no more than the share; "
        "more replications per future would give them meaning.",
        "higher_better": "higher is better",
        "best": "{measure}: {design} does best on average ({mean}, 95% interval {low} to {high}); "
        "it is the best design in {share} of {resamples} bootstrap resamples of the futures.",
        "tie": "{measure}: {designs} do equally well on average ({mean}).",
        "better": "{best} is better than {other} by {diff} on average (95% interval of the paired "
        "difference {low} to {high}): {futures} futures are enough to tell them apart.",
        "apart": "{best} and {other} cannot be told apart with this many futures ({futures}): "
        "the 95% interval of their paired difference ({low} to {high}) includes zero. "
        "An estimated {needed} futures would separate them, if the difference seen "
        "here ({diff}) is real.",
        "apart_even": "{best} and {other} cannot be told apart with this many futures "
        "({futures}): the 95% interval of their paired difference ({low} to {high}) "
        "includes zero, and on average they do not differ at all.",
        "same": "{best} and {other} cannot be told apart: they gave the same result in every "
        "future, so no number of futures would separate them.",
        "one_future": "{best} and {other} cannot be compared with one future: designs are told "
        "apart by how they fare across futures, so run them on more futures (at least "
        "a few dozen).",
        "hardly": "{best} and {other} practically do not differ on this measure: the difference "
        "seen ({diff}, 95% interval of the paired difference {low} to {high}) is so small "
        "next to how much it varies between futures that more than {cap} futures would "
        "be needed to tell them apart.",
        "above": "{name} is above {low}",
        "below": "{name} is below {high}",
        "uncommitted": "uncommitted changes",
        "parts_title": "What the public partner's exposure is made of (mean over the futures)",
        "part": "Part",
        "part_gap": "Shortfalls it makes good (net of windfalls it keeps)",
        "part_renegotiation": "Its part of renegotiation costs",
        "part_termination": "Termination compensation it pays",
        "part_total": "Total exposure",
        "tail": "In its worst 10% of futures the public partner's exposure averages {values}.",
        "breaks_box": "{design} fails (ends before the contract term, or the public exposure is in "
        "its worst 10%) in {rate} of the futures, mostly when {box}; this describes "
        "{coverage} of its failures, and in such futures it fails {density} of the time.",
        "costly_box": "The public partner pays most under {design} (its worst 10% of futures) "
        "mostly when {box}; this describes {coverage} of those futures, and "
        "{density} of the futures in that range are among them.",
        "breaks_none": "{design} fails in {rate} of the futures, and no simple range of the "
        "uncertainties describes where: its failures are spread over the futures.",
        "breaks_never": "{design} never fails in these futures.",
        "breaks_always": "{design} fails in every one of these futures: the partnership does not "
        "run the full contract term in any of them.",
        "between": "{name} is between {low} and {high}",
        "is": "{name} is {levels}",
        "and": " and ",
        "or": " or ",
        "scenario": "Scenario",
        "futures": "Futures",
        "futures_value": "{futures} sampled futures ({design}), {replications} run(s) per design "
        "and future; every design meets the same futures with the same seeds",
        "horizon": "Contract term simulated",
        "years": "{years:g} years",
        "ranges": "Ranges of the uncertainties",
        "version": "Model version and code",
        "seed": "Root seed",
        "figure_survival": "Share of futures in which the partnership is still running, year by "
        "year, per design.",
        "figure_exposure": "The public partner's fiscal exposure across futures, per design; the "
        "dot marks the mean of the worst 10% of futures.",
        "year": "year",
        "still_running": "still running",
        "exposure_axis": "public exposure (model units)",
        "gloss_mean": "Mean: the average over the futures.",
        "gloss_worst": "Worst 10%: the average over the tenth of futures in which the design does "
        "worst (its bad tail).",
        "gloss_regret": "Maximum regret: in each future, how far the design falls short of the best "
        "design in that same future; the largest such shortfall over all futures "
        "(EMA Workbench). Zero means it is never beaten.",
        "gloss_interval": "95% interval: in the table, the futures are resampled 1,000 times "
        "with replacement (bootstrap), the same futures for every design; 95% of "
        "the recomputed figures lie in this range. The interval of a difference "
        "between two designs is that of their paired differences (one per future, "
        "each design's runs in that future averaged first; BCa bootstrap), the same interval as in the "
        "researcher's report (paired_differences.csv).",
        "gloss_best": "Best in: in how many of those resamples the design has the best mean.",
        "gloss_pp": "pp: percentage points, the difference between two shares (16% against 12% "
        "is 4 pp).",
        "gloss_ends": "The partnership ends before the contract term when a party the contract "
        "cannot do without walks away, when too few parties remain to carry it, "
        "or when the parties never sign a first agreement. Renegotiations and "
        "reviews do not end it.",
        "gloss_exposure": "Public fiscal exposure: what the public partner pays to make good "
        "shortfalls it carries under the risk allocation and payment mechanism "
        "(net of windfalls it keeps), plus its part of renegotiation costs and "
        "the termination compensation it pays.",
        "leaves_out_text": "Value and exposure are in model units (a partner's monthly outside "
        "option is about 0.5), comparable between designs but not euros. The "
        "model leaves out financing costs and interest, inflation and "
        "discounting, tendering and bid costs, construction risk as such, "
        "legal disputes, and the quality of the service to citizens. "
        '"The partnership ends" means the collaboration falls apart, not '
        "that the asset disappears. The futures are ranges of turbulence, "
        "shocks and political change, not forecasts. How often partnerships end was "
        "calibrated over ten years: over a longer contract term read the share "
        "that runs the full term as a comparison between designs, not as a "
        "forecast of how many contracts fail.",
        "no_paired": "This experiment does not name designs ([[policy]]) and uncertainties, so "
        "no policy summary can be made.",
        "general": {
            "title": "Policies compared over uncertain futures",
            "survival": "Still running at the end of the simulated period",
            "either_or": "—: with one run per future a policy either keeps the collaboration "
            "running to the end in a future or not, so its worst 10% and regret say "
            "no more than the share; more replications per future would give them "
            "meaning.",
            "breaks_box": "{design} fails (the collaboration ends before the end of the simulated "
            "period) in {rate} of the futures, mostly when {box}; this describes "
            "{coverage} of its failures, and in such futures it fails {density} of "
            "the time.",
            "breaks_always": "{design} fails in every one of these futures: the collaboration "
            "does not last to the end of the simulated period in any of them.",
            "horizon": "Period simulated",
            "gloss_ends": "The collaboration ends when a partner it cannot do without walks away, "
            "when too few partners remain to carry it, or when the partners never "
            "reach a first agreement.",
            "leaves_out_text": "Value is in model units (a partner's monthly outside option is "
            "about 0.5), comparable between policies but not euros. The "
            "futures are ranges of the uncertainties, not forecasts.",
        },
        "levers": {
            "risk_allocation": "Share of performance risk on the private partners",
            "contract_term": "Contract term",
            "agreement_length": "Review period (months until terms are reviewed)",
            "payment_mechanism": "Payment mechanism (who carries demand risk)",
            "renegotiation_rule": "When the terms may be reopened",
            "termination_compensation": "Termination compensation",
            "termination_borne_by": "Who pays termination compensation",
            "manager": "Governance mode",
            "formalisation": "Formalisation (contracts and monitoring)",
        },
        "uncertainties": {
            "turbulence": "turbulence",
            "shock_rate": "shocks per year",
            "political_cycle": "the political cycle",
            "demand_uncertainty": "demand uncertainty",
        },
        "levels": {
            "availability": "availability payment (public carries demand)",
            "user_fees": "user fees (private carries demand)",
            "shared": "shared by value shares",
            "flexible": "whenever a party is unhappy",
            "hardship": "only after a shock (hardship)",
            "scheduled": "only at the review date",
            "leaver": "the party that leaves",
            "public": "the public partner",
            "none": "no alliance manager",
            "lead_partner": "a lead partner's manager",
            "independent": "an independent manager",
            "unset": "in proportion to value shares",
            "months": "{months} months ({years:g} years)",
        },
    },
    "nl": {
        "title": "PPS-contractvormen vergeleken over onzekere toekomsten",
        "quick_warning": "Snelle run: maar {futures} toekomsten. Een rangorde uit zo'n kleine run "
        "is niet betrouwbaar; draai het volledige experiment voordat u conclusies "
        "trekt.",
        "few_warning": "Maar {futures} toekomsten: de intervallen hieronder zijn breed en de "
        "rangorde kan veranderen met meer toekomsten.",
        "designs": "De ontwerpen naast elkaar",
        "results": "Hoe elk ontwerp het doet",
        "verdicts": "Wat de cijfers zeggen",
        "breaks": "Welke toekomsten breken elk ontwerp?",
        "assumptions": "Aannames",
        "leaves_out": "Wat het model niet meeneemt",
        "glossary": "Hoe u de cijfers leest",
        "design": "Ontwerp",
        "lever": "Knop",
        "measure": "Uitkomst",
        "mean": "Gemiddeld",
        "worst_decile": "Slechtste 10%",
        "max_regret": "Maximale spijt",
        "best_share": "Beste in",
        "value": "Gecreëerde waarde",
        "survival": "Haalt de volle contractduur",
        "exposure": "Financieel risico van de publieke partner",
        "lower_better": "lager is beter",
        "either_or": "—: met één run per toekomst haalt een ontwerp in een toekomst de volle "
        "contractduur of niet, dus zeggen de slechtste 10% en de spijt niets meer "
        "dan het aandeel; meer herhalingen per toekomst geven ze betekenis.",
        "higher_better": "hoger is beter",
        "best": "{measure}: {design} doet het gemiddeld het best ({mean}, 95%-interval {low} tot "
        "{high}); het is het beste ontwerp in {share} van {resamples} bootstrap-"
        "steekproeven uit de toekomsten.",
        "tie": "{measure}: {designs} doen het gemiddeld even goed ({mean}).",
        "better": "{best} is gemiddeld {diff} beter dan {other} (95%-interval van het gepaarde "
        "verschil {low} tot {high}): {futures} toekomsten zijn genoeg om ze te "
        "onderscheiden.",
        "apart": "{best} en {other} zijn met dit aantal toekomsten ({futures}) niet van elkaar te "
        "onderscheiden: het 95%-interval van hun gepaarde verschil ({low} tot {high}) "
        "bevat nul. Naar schatting {needed} toekomsten zouden ze onderscheiden, als het "
        "verschil dat we hier zien ({diff}) echt is.",
        "apart_even": "{best} en {other} zijn met dit aantal toekomsten ({futures}) niet van "
        "elkaar te onderscheiden: het 95%-interval van hun gepaarde verschil ({low} "
        "tot {high}) bevat nul, en gemiddeld verschillen ze helemaal niet.",
        "same": "{best} en {other} zijn niet van elkaar te onderscheiden: ze gaven in elke "
        "toekomst hetzelfde resultaat, dus geen aantal toekomsten zou ze onderscheiden.",
        "one_future": "{best} en {other} zijn met één toekomst niet te vergelijken: ontwerpen "
        "onderscheiden zich door hoe ze het over verschillende toekomsten doen, dus "
        "draai ze op meer toekomsten (minstens enkele tientallen).",
        "hardly": "{best} en {other} verschillen op deze maat in de praktijk niet: het verschil "
        "dat we zien ({diff}, 95%-interval van het gepaarde verschil {low} tot {high}) is "
        "zo klein naast hoe sterk het per toekomst varieert dat meer dan {cap} "
        "toekomsten nodig zouden zijn om ze te onderscheiden.",
        "above": "{name} boven {low} ligt",
        "below": "{name} onder {high} ligt",
        "uncommitted": "niet-vastgelegde wijzigingen",
        "parts_title": "Waar het financiële risico van de publieke partner uit bestaat (gemiddeld "
        "over de toekomsten)",
        "part": "Onderdeel",
        "part_gap": "Tekorten die zij goedmaakt (min meevallers die zij houdt)",
        "part_renegotiation": "Haar deel van de heronderhandelingskosten",
        "part_termination": "Beëindigingsvergoeding die zij betaalt",
        "part_total": "Totaal financieel risico",
        "tail": "In de slechtste 10% van de toekomsten is het financiële risico van de publieke "
        "partner gemiddeld {values}.",
        "breaks_box": "{design} faalt (eindigt voor het einde van de contractduur, of het publieke "
        "risico valt in de slechtste 10%) in {rate} van de toekomsten, vooral als "
        "{box}; dat beschrijft {coverage} van de mislukkingen, en in zulke "
        "toekomsten faalt het in {density} van de gevallen.",
        "costly_box": "De publieke partner betaalt onder {design} het meest (de slechtste 10% "
        "van de toekomsten) vooral als {box}; dat beschrijft {coverage} van die "
        "toekomsten, en {density} van de toekomsten in dat bereik horen erbij.",
        "breaks_none": "{design} faalt in {rate} van de toekomsten, en geen eenvoudig bereik van "
        "de onzekerheden beschrijft waar: de mislukkingen zijn over de toekomsten "
        "verspreid.",
        "breaks_never": "{design} faalt in geen van deze toekomsten.",
        "breaks_always": "{design} faalt in elk van deze toekomsten: de samenwerking haalt in "
        "geen ervan de volle contractduur.",
        "between": "{name} tussen {low} en {high} ligt",
        "is": "{name} {levels} is",
        "and": " en ",
        "or": " of ",
        "scenario": "Scenario",
        "futures": "Toekomsten",
        "futures_value": "{futures} getrokken toekomsten ({design}), {replications} run(s) per "
        "ontwerp en toekomst; elk ontwerp krijgt dezelfde toekomsten met dezelfde "
        "seeds",
        "horizon": "Gesimuleerde contractduur",
        "years": "{years:g} jaar",
        "ranges": "Bereik van de onzekerheden",
        "version": "Modelversie en code",
        "seed": "Basis-seed",
        "figure_survival": "Aandeel van de toekomsten waarin de samenwerking nog loopt, jaar na "
        "jaar, per ontwerp.",
        "figure_exposure": "Het financiële risico van de publieke partner over de toekomsten, per "
        "ontwerp; de stip is het gemiddelde van de slechtste 10%.",
        "year": "jaar",
        "still_running": "loopt nog",
        "exposure_axis": "publiek risico (modeleenheden)",
        "gloss_mean": "Gemiddeld: het gemiddelde over de toekomsten.",
        "gloss_worst": "Slechtste 10%: het gemiddelde over het tiende deel van de toekomsten waarin "
        "het ontwerp het slechtst uitpakt (de staart).",
        "gloss_regret": "Maximale spijt: in elke toekomst hoeveel het ontwerp achterblijft bij het "
        "beste ontwerp in diezelfde toekomst; de grootste achterstand over alle "
        "toekomsten (EMA Workbench). Nul betekent: nooit verslagen.",
        "gloss_interval": "95%-interval: in de tabel worden de toekomsten 1.000 keer met "
        "teruglegging opnieuw getrokken (bootstrap), dezelfde toekomsten voor elk "
        "ontwerp; 95% van de herberekende cijfers ligt in dit bereik. Het interval "
        "van een verschil tussen twee ontwerpen is dat van hun gepaarde verschillen "
        "(één per toekomst, de runs van elk ontwerp in die toekomst eerst gemiddeld; BCa-bootstrap), hetzelfde "
        "interval als in het rapport voor onderzoekers (paired_differences.csv).",
        "gloss_best": "Beste in: in hoeveel van die steekproeven het ontwerp het beste gemiddelde "
        "heeft.",
        "gloss_pp": "pp: procentpunten, het verschil tussen twee aandelen (16% tegen 12% is 4 pp).",
        "gloss_ends": "De samenwerking eindigt voor het einde van de contractduur als een partij "
        "zonder wie het contract niet kan, vertrekt, als er te weinig partijen "
        "overblijven om het te dragen, of als de partijen nooit een eerste "
        "overeenkomst sluiten. Heronderhandelingen en herzieningen beëindigen haar "
        "niet.",
        "gloss_exposure": "Publiek financieel risico: wat de publieke partner betaalt om tekorten "
        "goed te maken die bij haar liggen onder de risicoverdeling en het "
        "betalingsmechanisme (min meevallers die zij houdt), plus haar deel van "
        "de heronderhandelingskosten en de beëindigingsvergoeding die zij betaalt.",
        "leaves_out_text": "Waarde en risico zijn in modeleenheden (de maandelijkse alternatieve "
        "opbrengst van een partner is ongeveer 0,5), vergelijkbaar tussen "
        "ontwerpen maar geen euro's. Het model laat financieringskosten en "
        "rente, inflatie en verdisconteren, aanbestedings- en biedkosten, "
        "bouwrisico als zodanig, juridische geschillen en de kwaliteit van de "
        'dienst aan burgers buiten beschouwing. "De samenwerking eindigt" '
        "betekent dat de samenwerking uiteenvalt, niet dat de weg of de zorg "
        "verdwijnt. De toekomsten zijn bereiken van turbulentie, schokken en "
        "politieke verandering, geen voorspellingen. Hoe vaak samenwerkingen eindigen "
        "is gekalibreerd over tien jaar: lees over een langere contractduur het "
        "aandeel dat de volle duur haalt als vergelijking tussen ontwerpen, niet "
        "als voorspelling van hoeveel contracten mislukken.",
        "no_paired": "Dit experiment noemt geen ontwerpen ([[policy]]) en onzekerheden, dus er "
        "is geen beleidssamenvatting te maken.",
        "general": {
            "title": "Beleid vergeleken over onzekere toekomsten",
            "survival": "Loopt nog aan het einde van de gesimuleerde periode",
            "either_or": "—: met één run per toekomst houdt een beleid de samenwerking in een "
            "toekomst tot het einde overeind of niet, dus zeggen de slechtste 10% en "
            "de spijt niets meer dan het aandeel; meer herhalingen per toekomst geven "
            "ze betekenis.",
            "breaks_box": "{design} faalt (de samenwerking eindigt voor het einde van de "
            "gesimuleerde periode) in {rate} van de toekomsten, vooral als {box}; dat "
            "beschrijft {coverage} van de mislukkingen, en in zulke toekomsten faalt "
            "het in {density} van de gevallen.",
            "breaks_always": "{design} faalt in elk van deze toekomsten: de samenwerking haalt in "
            "geen ervan het einde van de gesimuleerde periode.",
            "horizon": "Gesimuleerde periode",
            "gloss_ends": "De samenwerking eindigt als een partner zonder wie zij niet kan, "
            "vertrekt, als er te weinig partners overblijven om haar te dragen, of "
            "als de partners nooit een eerste overeenkomst sluiten.",
            "leaves_out_text": "Waarde is in modeleenheden (de maandelijkse alternatieve opbrengst "
            "van een partner is ongeveer 0,5), vergelijkbaar tussen beleid maar "
            "geen euro's. De toekomsten zijn bereiken van de onzekerheden, geen "
            "voorspellingen.",
        },
        "levers": {
            "risk_allocation": "Aandeel prestatierisico bij de private partners",
            "contract_term": "Contractduur",
            "agreement_length": "Herzieningstermijn (maanden tot de voorwaarden herzien worden)",
            "payment_mechanism": "Betalingsmechanisme (wie draagt het vraagrisico)",
            "renegotiation_rule": "Wanneer de voorwaarden heropend mogen worden",
            "termination_compensation": "Beëindigingsvergoeding",
            "termination_borne_by": "Wie betaalt de beëindigingsvergoeding",
            "manager": "Governancevorm",
            "formalisation": "Formalisering (contracten en toezicht)",
        },
        "uncertainties": {
            "turbulence": "de turbulentie",
            "shock_rate": "het aantal schokken per jaar",
            "political_cycle": "de politieke cyclus",
            "demand_uncertainty": "de vraagonzekerheid",
        },
        "levels": {
            "availability": "beschikbaarheidsvergoeding (publiek draagt de vraag)",
            "user_fees": "gebruikersvergoeding (privaat draagt de vraag)",
            "shared": "gedeeld naar waardeaandeel",
            "flexible": "zodra een partij ontevreden is",
            "hardship": "alleen na een schok (hardship)",
            "scheduled": "alleen op de herzieningsdatum",
            "leaver": "de partij die vertrekt",
            "public": "de publieke partner",
            "none": "geen alliantiemanager",
            "lead_partner": "een manager van de trekkende partner",
            "independent": "een onafhankelijke manager",
            "unset": "naar waardeaandeel",
            "months": "{months} maanden ({years:g} jaar)",
        },
    },
}
