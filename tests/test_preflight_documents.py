"""The document checks held to a set of good and flawed agreements and bank slips, in English
and Chinese: a careful reviewer's reading (who is released, from what, whole tokens, the memo
field itself); `pass` only on positive evidence, `unknown` with a reason when unsure."""

import re
import textwrap
from datetime import timedelta

import pytest

from iprdesk.casework import preflight
from iprdesk.text import i18n
from tests import test_preflight
from tests.pdfs import AGREEMENT, PAYMENT, text_pdf, unicode_pdf
from tests.test_preflight import PRODUCTS, STORE, T0

case = test_preflight.case  # the same case fixture: store, products, received

EN_RELEASE = ("3. Release. Plaintiff releases and forever discharges Defendant, SIA Joom and its\n"
              "affiliates, and all marketplaces including Joom, from any and all claims arising "
              "from\npast sales of the products listed above, whether known or unknown, up to the "
              "effective date.")
assert EN_RELEASE in AGREEMENT

ZH_RELEASE = ("三、免责。原告免除被告、SIA Joom 及其关联方因本协议生效日前过往销售上述商品而产生的"
              "一切索赔，无论已知或未知。")
ZH_AGREEMENT = f"""\
和解协议
本和解协议由 Bright Lens Studio LLC（“原告”）与经营 Joom 店铺 {{store}} 的卖家（“被告”）签订。
一、付款。被告向原告律所 Greer, Burns & Crain, Ltd. 支付 6,500 美元。
二、商品。本协议涵盖以下商品 ID：{{products}}。
{ZH_RELEASE}
签署日期：2026年3月2日。
"""
ZH_PAYMENT = """\
中国银行 境外汇款回单
起息日：2026年3月3日
汇款人：深圳示例贸易有限公司
收款人：Greer, Burns & Crain, Ltd. Client Trust Account
金额：USD 6,500.00
附言：Joom Settlement {store}
"""


LISTED = ", ".join(PRODUCTS)
CJK = re.compile("[\u4e00-\u9fff]")


def en(release=EN_RELEASE, products=LISTED):
    return AGREEMENT.replace(EN_RELEASE, release).format(store=STORE, products=products)


def zh(release=ZH_RELEASE, products=LISTED):
    return ZH_AGREEMENT.replace(ZH_RELEASE, release).format(store=STORE, products=products)


ONLY_FUNDS = ("3. Release. Plaintiff releases and forever discharges Defendant from any and all\n"
              "claims arising from past sales of the products listed above, whether known or "
              "unknown.\nUpon payment, Plaintiff shall ask Joom to release the frozen funds of "
              "Defendant's store.")
# A release of Defendant alone, which passes agreement.release, for a sentence about Joom.
DEFENDANT_ONLY = ("3. Release. Plaintiff releases Defendant from any and all claims arising from "
                  "past\nsales of the products listed above.")
ZH_DEFENDANT_ONLY = "三、免责。原告免除被告因本协议生效日前过往销售产生的一切索赔。"
# A full release of all claims, past and future, for a clause that limits it elsewhere.
ALL_TIME = ("3. Release. Plaintiff releases Defendant, SIA Joom and its affiliates from all "
            "claims,\npast and future, arising from the sale of the products listed above.")
ZH_ALL_TIME = ("三、免责。原告免除被告、SIA Joom 及其关联方因上述商品过去和未来的销售而产生的"
               "一切索赔。")
# A negated release releases nothing, under a title and heading that name a release:
# (name, agreement text, pdf maker).
NEGATED_RELEASES = [
    ("\"No release.\"", en("3. Release. No release."), text_pdf),
    ("nothing in this agreement releases",
     en("3. Release. Nothing in this Agreement releases Defendant, SIA Joom or its affiliates\n"
        "from any claims arising from past sales."), text_pdf),
    ("this is not a release",
     en("3. Release. This Agreement is not a release of any claims against Defendant or\n"
        "SIA Joom."), text_pdf),
    ("nothing herein shall operate as a release",
     en("3. Release. Nothing herein shall operate as a release of Defendant or SIA Joom from\n"
        "claims arising from past sales."), text_pdf),
    ("passive: are not hereby released",
     en("3. Release. Defendant and SIA Joom are not hereby released from claims arising from\n"
        "past sales."), text_pdf),
    ("passive: shall not be released",
     en("3. Release. Defendant and SIA Joom shall not be released from any claims arising from\n"
        "past sales."), text_pdf),
    ("no claims are released",
     en("3. Release. No claims against Defendant or SIA Joom arising from past sales are\n"
        "released."), text_pdf),
    ("neither ... nor ... is released",
     en("3. Release. Neither Defendant nor SIA Joom is released from claims arising from past\n"
        "sales."), text_pdf),
    ("Chinese: 不构成免责", zh("三、免责。本协议不构成对被告及 SIA Joom 的免责。"), unicode_pdf),
    ("Chinese: 不予免责", zh("三、免责。过往销售产生的索赔一概不予免责。"), unicode_pdf),
    ("Chinese: 本协议不免除……责任",
     zh("三、免责。本协议不免除被告及 SIA Joom 因过往销售产生的任何责任。"), unicode_pdf),
    ("Chinese: 不视为免责", zh("三、免责。本协议不视为对被告及 SIA Joom 的免责。"), unicode_pdf),
    ("Chinese: 不得解释为免除",
     zh("三、免责。本协议任何条款均不得解释为免除被告及 SIA Joom 因过往销售产生的任何责任。"),
     unicode_pdf),
]
# Joom expressly not released, beside a release of Defendant: names_joom fails saying so.
JOOM_NOT_RELEASED = [
    ("this is not a release of Joom", en(f"{DEFENDANT_ONLY}\nThis is not a release of Joom."),
     text_pdf),
    ("Joom is not released", en(f"{DEFENDANT_ONLY}\nSIA Joom is not released."), text_pdf),
    ("Joom shall not be released",
     en("3. Release. Plaintiff releases Defendant from any and all claims arising from past\n"
        "sales; SIA Joom shall not be released by this Agreement."), text_pdf),
    ("Joom is not hereby released", en(f"{DEFENDANT_ONLY}\nSIA Joom is not hereby released."),
     text_pdf),
    ("no claims against Joom are released",
     en(f"{DEFENDANT_ONLY}\nNo claims against SIA Joom are released."), text_pdf),
    ("nothing herein shall operate as a release of Joom",
     en(f"{DEFENDANT_ONLY}\nNothing herein shall operate as a release of SIA Joom."), text_pdf),
    ("Joom is not a released party", en(f"{DEFENDANT_ONLY}\nSIA Joom is not a released party."),
     text_pdf),
    ("not intended to release Joom's liability",
     en(f"{DEFENDANT_ONLY}\nThis release is not intended to release SIA Joom's liability."),
     text_pdf),
    ("claims against Joom not waived",
     en(f"{DEFENDANT_ONLY}\nPlaintiff does not waive any claims against SIA Joom."), text_pdf),
    ("Joom not released in the releasing sentence itself",
     en("3. Release. Plaintiff releases Defendant from claims arising from past sales and SIA\n"
        "Joom and its affiliates are not released."), text_pdf),
    ("in no event shall Joom be released",
     en(f"{DEFENDANT_ONLY}\nIn no event shall SIA Joom be released."), text_pdf),
    ("Joom has not been released", en(f"{DEFENDANT_ONLY}\nSIA Joom has not been released."),
     text_pdf),
    ("Plaintiff has not released Joom",
     en(f"{DEFENDANT_ONLY}\nPlaintiff has not released SIA Joom."), text_pdf),
    ("Plaintiff declines to release Joom",
     en(f"{DEFENDANT_ONLY}\nPlaintiff declines to release SIA Joom."), text_pdf),
    ("releases no claims against Joom",
     en("3. Release. Plaintiff releases Defendant from all claims arising from past sales and\n"
        "releases no claims against SIA Joom."), text_pdf),
    ("Defendant and not Joom",
     en("3. Release. Plaintiff releases Defendant and not SIA Joom from all claims arising from\n"
        "past sales."), text_pdf),
    ("a covenant for every marketplace other than Joom",
     en("3. Covenant. Plaintiff covenants not to sue Defendant and all marketplaces other than\n"
        "SIA Joom for claims arising from past sales."), text_pdf),
    ("a release that expressly excludes Joom",
     en(ONLY_FUNDS.replace("Upon payment, Plaintiff shall ask Joom to release the frozen funds "
                           "of Defendant's store.",
                           "This release does not extend to SIA Joom or any marketplace.")),
     text_pdf),
    ("Joom listed, then carved out",
     en("3. Release. Plaintiff releases Defendant and its affiliates, excluding SIA Joom, from\n"
        "any and all claims arising from past sales of the products listed above."), text_pdf),
    ("every marketplace other than Joom",
     en("3. Release. Plaintiff releases Defendant and all marketplaces other than SIA Joom from\n"
        "all claims arising from past sales."), text_pdf),
    ("claims against Joom reserved",
     en(f"{DEFENDANT_ONLY}\nPlaintiff reserves all claims against SIA Joom."), text_pdf),
    ("Chinese: 被告而非 Joom", zh("三、免责。原告免除被告而非 SIA Joom 因过往销售产生的一切索赔。"),
     unicode_pdf),
    ("Chinese: 本协议不免除Joom的责任", zh(f"{ZH_DEFENDANT_ONLY}本协议不免除Joom的责任。"),
     unicode_pdf),
    ("Chinese: 不视为对Joom的免责", zh(f"{ZH_DEFENDANT_ONLY}本协议不视为对Joom的免责。"),
     unicode_pdf),
    ("Chinese: 不得解释为免除Joom",
     zh(f"{ZH_DEFENDANT_ONLY}本协议任何条款均不得解释为免除Joom的任何责任。"), unicode_pdf),
    ("Chinese: 对 Joom 不予免责", zh(f"{ZH_DEFENDANT_ONLY}对 SIA Joom 不予免责。"), unicode_pdf),
    ("Chinese: Joom 的责任不予免除", zh(f"{ZH_DEFENDANT_ONLY}SIA Joom的责任不予免除。"),
     unicode_pdf),
    ("Chinese: 不放弃对 Joom 的索赔", zh(f"{ZH_DEFENDANT_ONLY}原告不放弃对 SIA Joom 的索赔。"),
     unicode_pdf),
    ("Chinese: Joom excluded",
     zh("三、免责。原告免除被告因本协议生效日前过往销售产生的一切索赔，但不包括 SIA Joom。"),
     unicode_pdf),
    ("Chinese: Joom 除外", zh("三、免责。原告免除被告因过往销售产生的一切索赔，SIA Joom 除外。"),
     unicode_pdf),
    ("Chinese: Joom 不在免责范围内",
     zh(f"{ZH_DEFENDANT_ONLY}SIA Joom 不在免责范围内。"), unicode_pdf),
]
# Past sales expressly not released (a covenant not to sue for future sales, naming Joom):
# agreement.release fails saying so.
COVENANT = ("3. Covenant. Plaintiff covenants not to sue Defendant, SIA Joom and its affiliates "
            "for\nsales made after the effective date.")
ZH_COVENANT = "三、不起诉。原告承诺不就未来销售起诉被告及 SIA Joom；"
PAST_NOT_RELEASED = [
    ("a covenant not to sue, past sales expressly not released",
     en(f"{COVENANT} Claims arising from past sales are expressly not\nreleased."), text_pdf),
    ("a covenant that does not release past sales",
     en(f"{COVENANT} This covenant does not release claims arising from\npast sales."),
     text_pdf),
    ("a covenant, nothing releasing prior sales",
     en(f"{COVENANT} Nothing herein releases claims for prior sales."), text_pdf),
    ("a covenant, claims before the effective date reserved",
     en(f"{COVENANT} Plaintiff reserves all claims arising from sales made\nbefore the "
        "effective date."), text_pdf),
    ("a covenant excluding past sales",
     en("3. Covenant. Plaintiff covenants not to sue Defendant, SIA Joom and its affiliates "
        "for\nany sales, excluding past sales."), text_pdf),
    ("Chinese: 不包括因过往销售产生的索赔",
     zh("三、不起诉。原告承诺不就未来销售起诉被告及 SIA Joom，不包括因过往销售产生的索赔。"),
     unicode_pdf),
    ("Chinese: past sales not released", zh(f"{ZH_COVENANT}过往销售产生的索赔不予免除。"),
     unicode_pdf),
    ("Chinese: 本承诺不免除过往销售", zh(f"{ZH_COVENANT}本承诺不免除过往销售产生的索赔。"),
     unicode_pdf),
    ("Chinese: 保留追究过往销售", zh(f"{ZH_COVENANT}原告保留就过往销售追究责任的权利。"),
     unicode_pdf),
    ("Chinese: 过往销售不在免责范围内", zh(f"{ZH_COVENANT}过往销售产生的索赔不在免责范围内。"),
     unicode_pdf),
]
# (name, agreement text, pdf maker, expected statuses of the agreement checks)
AGREEMENTS = [
    *((name, text, make, {"agreement.names_joom": "fail", "agreement.release": "fail"})
      for name, text, make in NEGATED_RELEASES),
    *((name, text, make, {"agreement.names_joom": "fail"})
      for name, text, make in JOOM_NOT_RELEASED),
    *((name, text, make, {"agreement.release": "fail"})
      for name, text, make in PAST_NOT_RELEASED),
    ("a release beside a negated one",
     en("3. Release. Plaintiff releases Defendant, SIA Joom and its affiliates from all claims\n"
        "arising from past sales, but does not release any third party."), text_pdf, {}),
    ("a release, no other party released",
     en("3. Release. Plaintiff releases Defendant and SIA Joom from all claims arising from past\n"
        "sales, and no other party is released."), text_pdf, {}),
    ("a release, claims against third parties not released",
     en("3. Release. Plaintiff releases Defendant and SIA Joom from all claims arising from past\n"
        "sales, and Plaintiff's claims against third parties are not released."), text_pdf, {}),
    ("a release that waits for the payment",
     en("3. Release. Defendant and SIA Joom shall not be released until the payment is received.\n"
        "Upon payment, Plaintiff releases Defendant, SIA Joom and its affiliates from all claims\n"
        "arising from past sales."), text_pdf, {}),
    ("Joom released and not any other party",
     en("3. Release. Plaintiff releases Defendant and SIA Joom and not any other party from all\n"
        "claims arising from past sales, including but not limited to claims for copyright\n"
        "infringement. Neither party admits liability."), text_pdf, {}),
    ("all claims released, and a covenant for future sales",
     en("3. Release. Plaintiff releases Defendant and SIA Joom from all claims, and covenants not\n"
        "to sue them for future sales."), text_pdf, {}),
    ("Chinese: all claims released, and a promise for the future",
     zh("三、免责。原告免除被告及 SIA Joom 的一切索赔，并承诺今后不再就上述商品起诉。"),
     unicode_pdf, {}),
    ("Joom not a party but a beneficiary",
     en("3. Release. Plaintiff releases Defendant and all marketplaces including Joom from all\n"
        "claims arising from past sales; Joom is not a party to this Agreement but is an\n"
        "intended third-party beneficiary of this release."), text_pdf, {}),
    ("boilerplate: no waiver, no admission of liability by Joom",
     en(EN_RELEASE + "\n5. No waiver of any provision of this Agreement shall be effective "
        "unless in writing.\nThe failure to enforce a provision shall not be deemed a waiver of "
        "it. This Agreement\ndoes not constitute an admission of liability by Defendant or "
        "Joom."), text_pdf, {}),
    ("a release except the agreement's own obligations",
     en("3. Release. Except for the obligations created by this Agreement, Plaintiff releases\n"
        "Defendant, SIA Joom and its affiliates from all claims arising from past sales."),
     text_pdf, {}),
    ("all claims, past and future, beside a limit on claims for breach",
     en(f"{ALL_TIME}\n4. Limitation. This release does not extend to claims arising from "
        "Defendant's\nbreach of this Agreement."), text_pdf, {}),
    ("all claims, past and future, beside a covenant limited to future sales",
     en(f"{ALL_TIME}\n4. Limitation. The covenant not to sue below is limited to sales made after"
        " the\neffective date and does not limit the release of past sales above."),
     text_pdf, {}),
    ("all claims, past and future: nothing excludes past sales",
     en(f"{ALL_TIME}\n4. Limitation. Nothing in this Agreement excludes past sales from the "
        "release above."), text_pdf, {}),
    ("all claims, past and future: past sales not excluded",
     en(f"{ALL_TIME}\n4. Limitation. Claims arising from past sales are not excluded from this "
        "release."), text_pdf, {}),
    ("all claims, past, present and future",
     en(ALL_TIME.replace("past and future", "past, present and future")), text_pdf, {}),
    ("Chinese: past and future, beside a limit on claims for breach",
     zh(f"{ZH_ALL_TIME}\n四、限制。本免责不适用于被告违反本协议的行为。"), unicode_pdf, {}),
    ("Chinese: past and future, nothing excludes past sales",
     zh(f"{ZH_ALL_TIME}\n四、限制。本协议并不排除过往销售产生的索赔。"), unicode_pdf, {}),
    ("Chinese: a release except the agreement's own obligations",
     zh("三、免责。除本协议约定的义务外，原告免除被告、SIA Joom 及其关联方因过往销售产生的"
        "一切索赔。"),
     unicode_pdf, {}),
    ("Chinese: boilerplate, not exercising a right is no waiver",
     zh(ZH_RELEASE + "本协议任何一方未行使任何权利，不视为放弃该权利。"), unicode_pdf, {}),
    ("Chinese: Joom without spaces around it",
     zh(ZH_RELEASE.replace("SIA Joom 及其", "SIA Joom及其")), unicode_pdf, {}),
    ("Chinese: the Joom platform released (Joom 平台)",
     zh("三、免责。原告免除被告及 Joom 平台因过往销售产生的一切索赔。"), unicode_pdf, {}),
    ("a release in capitals, a line of it like a title",
     en("3. RELEASE. PLAINTIFF GRANTS A FULL RELEASE\nOF ALL CLAIMS ARISING FROM PAST SALES TO\n"
        "DEFENDANT AND SIA JOOM."), text_pdf, {}),
    ("nothing limits the release",
     en(EN_RELEASE + "\nNothing in this Agreement shall limit the release above."), text_pdf, {}),
    ("Chinese: released irrevocably (不可撤销地免除)",
     zh("三、免责。原告不可撤销地免除被告及 SIA Joom 因过往销售产生的一切索赔。"), unicode_pdf, {}),
    ("good, English", en(), text_pdf, {}),
    ("good, wholly Chinese", zh(), unicode_pdf, {}),
    ("English agreement, Joom released in a Chinese sentence",
     en("3. Release.\n原告免除被告、SIA Joom 及其关联方因过往销售产生的一切索赔，无论已知或未知。"),
     unicode_pdf, {}),
    ("released parties listed after a colon",
     en("3. Release. The Released Parties: Defendant, SIA Joom and its affiliates. Plaintiff\n"
        "releases the Released Parties from all claims arising from past sales."),
     text_pdf, {}),
    ("released parties including but not limited to Joom, Joom a beneficiary",
     en("3. Release. Plaintiff releases the Released Parties, including but not limited to\n"
        "Defendant and SIA Joom, from all claims arising from past sales, except the obligations\n"
        "under this Agreement. SIA Joom is an intended third-party beneficiary of this release."),
     text_pdf, {}),
    ("no release of claims against other Joom sellers",
     en(EN_RELEASE + "\nNothing herein releases any claims against other Joom sellers or "
        "merchants."), text_pdf, {}),
    ("a limit on the release that excepts Joom",
     en(EN_RELEASE + "\nThis release does not extend to any marketplace other than SIA Joom."),
     text_pdf, {}),
    ("no release of any party other than Joom",
     en(EN_RELEASE + "\nNothing herein releases any party other than Defendant and SIA Joom."),
     text_pdf, {}),
    ("Chinese: a limit on the release that excepts Joom",
     zh(ZH_RELEASE + "本免责不适用于除 SIA Joom 以外的其他平台。本协议不免除除被告及 SIA Joom 以外"
        "任何一方的责任。"), unicode_pdf, {}),
    ("a limit on the release that is about Joom's own duties",
     en(EN_RELEASE + "\nThis release does not extend to Joom's obligations to its merchants."),
     text_pdf, {}),
    ("a covenant not to sue Defendant nor Joom for past sales",
     en("3. Covenant. Plaintiff covenants not to sue Defendant nor SIA Joom for any claims\n"
        "arising from sales made prior to the effective date."), text_pdf, {}),
    ("Joom named only as the party asked to release frozen funds", en(ONLY_FUNDS), text_pdf,
     {"agreement.names_joom": "fail"}),
    ("Joom asked to lift the hold on the account",
     en(ONLY_FUNDS.replace("ask Joom to release the frozen funds of Defendant's store",
                           "request that Joom release the hold on Defendant's account")),
     text_pdf, {"agreement.names_joom": "fail"}),
    ("the funds held by Joom shall be released",
     en(ONLY_FUNDS.replace("Plaintiff shall ask Joom to release the frozen funds of Defendant's "
                           "store", "the funds held by Joom shall be released")),
     text_pdf, {"agreement.names_joom": "fail"}),
    ("Joom only where the sales were made",
     en("3. Release. Plaintiff releases Defendant from all claims arising from past sales on\n"
        "Joom and through SIA Joom."), text_pdf, {"agreement.names_joom": "fail"}),
    ("Chinese: Joom only where the sales were made",
     zh("三、免责。原告免除被告因在 Joom 上及通过Joom平台过往销售产生的一切索赔。"), unicode_pdf,
     {"agreement.names_joom": "fail"}),
    ("Joom named in a press release, not a release",
     en(f"{DEFENDANT_ONLY}\nDefendant shall not issue any press release naming SIA Joom."),
     text_pdf, {"agreement.names_joom": "fail"}),
    ("all claims, but limited to future sales",
     en("3. Release. Plaintiff releases Defendant and SIA Joom from all claims, limited to future\n"
        "sales."), text_pdf, {"agreement.release": "fail"}),
    ("Chinese: all claims from future sales",
     zh("三、免责。原告免除被告及 SIA Joom 因未来销售产生的一切索赔。"), unicode_pdf,
     {"agreement.release": "fail"}),
    ("all claims, then the release limited to future sales in a sentence of its own",
     en("3. Release. Plaintiff releases Defendant and SIA Joom from all claims. This release\n"
        "applies only to sales made after the effective date."),
     text_pdf, {"agreement.release": "fail"}),
    ("all claims, then a clause limiting the release to future sales",
     en("3. Release. Plaintiff releases Defendant and SIA Joom from any and all claims.\n"
        "4. Scope. The release in Section 3 is limited to future sales of the products."),
     text_pdf, {"agreement.release": "fail"}),
    ("Chinese: all claims, then the release limited to the future",
     zh("三、免责。原告免除被告及 SIA Joom 的一切索赔。本免责仅适用于本协议生效后的销售。"),
     unicode_pdf, {"agreement.release": "fail"}),
    ("all claims, but only from future sales",
     en("3. Release. Plaintiff releases Defendant and SIA Joom from all claims arising from\n"
        "future sales of the products listed above."),
     text_pdf, {"agreement.release": "fail"}),
    ("a product ID with one digit more containing the right one",
     en(products="6a1f00aa011, 6a1f00aa02, 6a1f00aa03"), text_pdf,
     {"agreement.products": "fail"}),
    ("a product ID with a digit in front", en(products="16a1f00aa01, 6a1f00aa02, 6a1f00aa03"),
     text_pdf, {"agreement.products": "fail"}),
    ("Chinese: Joom only asked to unfreeze the funds",
     zh("三、免责。原告免除被告因过往销售产生的一切索赔，无论已知或未知。"
        "付款后，原告将请求 Joom 解冻被告店铺的资金。"),
     unicode_pdf, {"agreement.names_joom": "fail"}),
]
AGREEMENT_IDS = ("agreement.names_joom", "agreement.store_id", "agreement.products",
                 "agreement.release")


def run(case, **inputs):
    return {c.id: c for c in preflight.run(case, preflight.Inputs(**inputs),
                                           T0 + timedelta(hours=1))}


@pytest.mark.parametrize(("text", "make", "expected"), [a[1:] for a in AGREEMENTS],
                         ids=[a[0] for a in AGREEMENTS])
def test_agreements(case, text, make, expected):
    got = run(case, agreement=[preflight.Document("agreement.pdf", make(text))], payment=[])
    for cid in AGREEMENT_IDS:
        assert got[cid].status == expected.get(cid, "pass"), (cid, got[cid].message("en"))


# Each release clause as a careful reviewer reads it: (clause under the heading "3. Release." or
# "三、免责。", whether names_joom passes or which way it fails (not_released: Joom expressly kept
# out; marketplace: Joom named, not released), whether agreement.release passes).
READ_AS_A_REVIEWER = [
    # Whose negation it is: a negated clause joined to a release by "and" (而, 且), or with its
    # verb left out, is about its own subject ("releases SIA Joom from all claims and Defendant
    # is not released" failed as Joom not released).
    ("Plaintiff releases SIA Joom and Defendant is not released.",
     "pass", "fail"),
    ("Plaintiff releases SIA Joom of all claims arising from past sales and Defendant "
     "is not released.",
     "pass", "pass"),
    ("Plaintiff hereby releases SIA Joom with respect to all claims arising from past "
     "sales and Defendant is not released.",
     "pass", "pass"),
    ("Plaintiff releases Defendant's marketplace SIA Joom for all past sales and "
     "Defendant is not released.",
     "pass", "pass"),
    ("Plaintiff fully releases SIA Joom and its affiliates from all claims arising "
     "from past sales and the Defendant shall not be released until it pays.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and "
     "Defendant's affiliates are not released.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales while "
     "Defendant is not released.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales whereas "
     "Defendant is not released.",
     "pass", "pass"),
    ("SIA Joom is hereby released from all claims arising from past sales and "
     "Defendant is not released.",
     "pass", "pass"),
    ("SIA Joom is released and Defendant is not released from claims arising from past"
     " sales.",
     "pass", "pass"),
    ("SIA Joom is released from claims arising from past sales and Defendant is not.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and "
     "Plaintiff does not release Defendant.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and does not"
     " release Defendant.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and no "
     "claims against Defendant are released.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and in no "
     "event shall Defendant be released.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and nothing "
     "herein releases Defendant.",
     "pass", "pass"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and this is "
     "not a release of Defendant.",
     "pass", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales and SIA "
     "Joom is not released.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales and does "
     "not release SIA Joom.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales while SIA "
     "Joom is not released.",
     "not_released", "pass"),
    ("Defendant is released from all claims arising from past sales and SIA Joom is "
     "not.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant of all claims arising from past sales and SIA Joom "
     "is not released.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and SIA Joom is not released from claims arising "
     "from past sales.",
     "not_released", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔而被告不予免除。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，而被告不予免除。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，但被告的责任不予免"
     "除。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，被告不被免除。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，并且不免除被告的责"
     "任。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，但不免除被告的责任"
     "。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，对被告不予免责。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，被告不在免责范围内"
     "。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，被告除外。",
     "pass", "pass"),
    ("SIA Joom因过往销售产生的一切索赔均予免除，被告的责任不予免除"
     "。",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔；被告不予免除。",
     "pass", "pass"),
    ("原告免除SIA Joom及被告的关联方因过往销售产生的一切索赔，被告"
     "本人不予免除。",
     "pass", "pass"),
    ("原告免除被告因过往销售产生的一切索赔而SIA Joom不予免除。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，但SIA Joom的责任不予免"
     "除。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，但不免除SIA Joom的责任"
     "。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，对SIA Joom的索赔不予免"
     "除。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，SIA Joom不被免除。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，SIA Joom不在此列。",
     "not_released", "pass"),
    # Joom's own duties kept beside its release ("Joom 的义务不予免除", "Joom's obligations under
    # this Agreement are not released") leave Joom released; the claims against Joom ("对 Joom
    # 的索赔不予免除") and its liability do not; "except as to", "other than", 除……外; the
    # release's scope, past or future.
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。Joom的义"
     "务不予免除。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，但SIA J"
     "oom在本协议项下的义务不予免除。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。本协议不免除"
     "SIA Joom在本协议项下的义务。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，SIA Jo"
     "om根据本协议承担的义务除外。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。SIA Jo"
     "om的关联方不予免除。",
     "pass", "pass"),
    ("原告免除被告因过往销售产生的一切索赔。对SIA Joom的索赔不予免"
     "除。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔。原告不免除SIA Joom的任"
     "何法律责任。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，针对SIA Joom的索赔除外"
     "。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔。本协议不免除SIA Joom的"
     "一切索赔。",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. SIA Joom's obligations under this Agreement are not released.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. Nothing herein releases SIA Joom from its obligations under this "
     "Agreement.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales, except SIA Joom's obligations under this Agreement.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. This release does not extend to SIA Joom's obligations under this "
     "Agreement.",
     "pass", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. SIA Joom's"
     " liability is not released.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. Claims "
     "against SIA Joom are not released.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales, except as "
     "to SIA Joom.",
     "not_released", "pass"),
    ("Plaintiff releases all parties from all claims arising from past sales except as"
     " to SIA Joom.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales; provided, "
     "however, that nothing herein releases SIA Joom.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and all other persons, other than SIA Joom, from "
     "all claims arising from past sales.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. SIA Joom "
     "is excluded from this release.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. The "
     "Released Parties do not include SIA Joom.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. SIA Joom "
     "is not a Released Party.",
     "not_released", "pass"),
    ("原告免除除SIA Joom外的所有各方因过往销售产生的一切索赔。",
     "not_released", "pass"),
    ("除SIA Joom外，原告免除被告及其关联方因过往销售产生的一切索赔"
     "。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔。免责方不包括SIA Joom。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔。SIA Joom不属于免责方。",
     "not_released", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，但本协议约定"
     "的付款义务除外。",
     "pass", "pass"),
    ("除本协议约定的义务外，原告免除SIA Joom及被告因过往销售产生的"
     "一切索赔。",
     "pass", "pass"),
    ("Except as to the obligations under this Agreement, Plaintiff releases Defendant "
     "and SIA Joom from all claims arising from past sales.",
     "pass", "pass"),
    ("Plaintiff releases all persons other than Plaintiff, including Defendant and SIA"
     " Joom, from all claims arising from past sales.",
     "pass", "pass"),
    ("原告免除除原告以外的所有人（包括被告及SIA Joom）因过往销售产"
     "生的一切索赔。",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from sales "
     "made after the effective date.",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from future "
     "sales only.",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims, except claims arising"
     " from past sales.",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims, other than claims for"
     " sales before the effective date.",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims. Claims arising from "
     "past sales are reserved.",
     "pass", "fail"),
    ("原告免除被告及SIA Joom的一切索赔，但过往销售产生的索赔除外。",
     "pass", "fail"),
    ("原告免除被告及SIA Joom因本协议生效后的销售产生的一切索赔。",
     "pass", "fail"),
    ("原告免除被告及SIA Joom的一切索赔，过往销售除外。",
     "pass", "fail"),
    ("原告免除被告及SIA Joom的一切索赔。本免责只适用于今后的销售。",
     "pass", "fail"),
    ("原告免除被告及SIA Joom因未来销售产生的索赔，过往销售产生的索"
     "赔不予免除。",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from sales "
     "made on or before the effective date.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from sales "
     "made prior to the effective date, and covenants not to sue them for future "
     "sales.",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因本协议生效之前的销售产生的一切索赔。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，并承诺今后不"
     "就上述商品起诉。",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. The release of past sales is not limited to future sales.",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，但被告违反本"
     "协议的责任除外。",
     "pass", "pass"),
    # Joom named beside a release but not in it (asking for it, told of it, releasing someone
    # itself); past claims carved out after "but not from"; more ways to keep Joom out.
    ("At the request of SIA Joom, Plaintiff releases Defendant from all claims arising"
     " from past sales.",
     "marketplace", "pass"),
    ("SIA Joom releases Plaintiff from all claims arising from past sales. Plaintiff "
     "releases Defendant from all claims arising from past sales.",
     "marketplace", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales and shall "
     "notify SIA Joom of this release.",
     "marketplace", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. A copy of "
     "this release shall be sent to SIA Joom.",
     "marketplace", "pass"),
    ("应SIA Joom的要求，原告免除被告因过往销售产生的一切索赔。",
     "marketplace", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，并将本协议副本发送给SIA J"
     "oom。",
     "marketplace", "pass"),
    ("SIA Joom免除原告的一切索赔。原告免除被告因过往销售产生的一切"
     "索赔。",
     "marketplace", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales, except as to SIA Joom's obligations under this Agreement.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales, but not from claims arising from future sales.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from future "
     "sales, but not from claims arising from past sales.",
     "pass", "fail"),
    ("Plaintiff does not release claims arising from past sales, but releases "
     "Defendant and SIA Joom from all claims arising from future sales.",
     "pass", "fail"),
    ("Plaintiff releases SIA Joom from all claims arising from past sales and "
     "Defendant shall not be released until it pays in full.",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，被告在付清款项前不"
     "予免除。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，但未来销售不"
     "在免责范围内。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因未来销售产生的一切索赔，但过往销售不"
     "在免责范围内。",
     "pass", "fail"),
    ("原告免除被告及其关联方（SIA Joom除外）因过往销售产生的一切索"
     "赔。",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and its affiliates (but not SIA Joom) from all "
     "claims arising from past sales.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and its affiliates, save for SIA Joom, from all "
     "claims arising from past sales.",
     "not_released", "pass"),
    ("Plaintiff releases all parties other than SIA Joom from all claims arising from "
     "past sales.",
     "not_released", "pass"),
    ("原告免除除SIA Joom以外的各方因过往销售产生的一切索赔。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，但对SIA Joom保留追诉权"
     "。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，本协议不构成对SIA Joom"
     "的免责。",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales but SIA "
     "Joom is not.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales; SIA Joom "
     "is not released and remains liable.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. Defendant is a party to this Agreement and SIA Joom is not.",
     "pass", "pass"),
    ("SIA Joom and its affiliates are released from all claims arising from past "
     "sales, and the Defendant is not.",
     "pass", "pass"),
    ("原告免除SIA Joom因过往销售产生的一切索赔，被告则不予免除。",
     "pass", "pass"),
    ("原告免除SIA Joom的一切索赔且被告不予免除。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。SIA Jo"
     "om的付款义务不因本协议而免除。",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. Nothing herein releases SIA Joom's obligations under this Agreement.",
     "pass", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. Nothing "
     "herein releases SIA Joom from any claims.",
     "not_released", "pass"),
    # Joom among those who release, not those released; 除……外 and "other than" before the
    # release, about Joom's claims or its duties.
    ("原告与SIA Joom均免除被告因过往销售产生的一切索赔。",
     "marketplace", "pass"),
    ("Plaintiff and SIA Joom release Defendant from all claims arising from past "
     "sales.",
     "marketplace", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales, and SIA "
     "Joom releases Plaintiff from all claims.",
     "marketplace", "pass"),
    ("原告免除被告因过往销售产生的一切索赔；SIA Joom放弃对原告的一"
     "切索赔。",
     "marketplace", "pass"),
    ("SIA Joom因过往销售产生的一切责任均予免除，被告亦同。",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales and shall notify SIA Joom of this release.",
     "pass", "pass"),
    ("应SIA Joom的要求，原告免除被告及SIA Joom因过往销售产"
     "生的一切索赔。",
     "pass", "pass"),
    ("原告免除被告因过往销售产生的一切索赔，但就SIA Joom而言不予免"
     "除。",
     "not_released", "pass"),
    ("Plaintiff releases all persons from all claims arising from past sales, except "
     "as to SIA Joom, against whom all claims are reserved.",
     "not_released", "pass"),
    ("Plaintiff releases all persons, including SIA Joom, from all claims arising from"
     " past sales, except as to Defendant's obligations under this Agreement.",
     "pass", "pass"),
    ("原告免除包括SIA Joom在内的所有人因过往销售产生的一切索赔，但"
     "被告在本协议项下的义务除外。",
     "pass", "pass"),
    ("除对SIA Joom的索赔外，原告免除因过往销售产生的一切索赔。",
     "not_released", "pass"),
    ("除本协议项下SIA Joom的付款协助义务外，原告免除被告及SIA "
     "Joom因过往销售产生的一切索赔。",
     "pass", "pass"),
    ("Other than SIA Joom's obligations under this Agreement, Plaintiff releases "
     "Defendant and SIA Joom from all claims arising from past sales.",
     "pass", "pass"),
    ("Other than claims against SIA Joom, Plaintiff releases all claims arising from "
     "past sales against Defendant and all marketplaces.",
     "not_released", "pass"),
    ("原告免除被告的一切索赔，SIA Joom免除因过往销售产生的一切责任"
     "。",
     "pass", "pass"),
    # What Joom owes under the agreement itself, kept beside its release ("Joom's liability
    # under this Agreement", "Joom 在本协议项下的任何责任"), leaves Joom released; "shall not be
    # deemed a Released Party" keeps it out.
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，但被告对SI"
     "A Joom的义务不予免除。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，但不免除SI"
     "A Joom在本协议项下的任何责任。",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales, except SIA Joom's liability under this Agreement.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. SIA Joom's liability under this Agreement is not released.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom's affiliates from all claims arising "
     "from past sales. SIA Joom's liability for past sales is not released.",
     "not_released", "fail"),
    ("Plaintiff releases Defendant from all claims arising from past sales. SIA Joom "
     "shall not be deemed a Released Party.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant from all claims arising from past sales. The "
     "Released Parties shall not include SIA Joom.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant, but not SIA Joom, from all claims arising from "
     "past sales.",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔。SIA Joom并非免责方。",
     "not_released", "pass"),
    ("原告免除被告因过往销售产生的一切索赔。SIA Joom不属于被免责方"
     "。",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales, provided that SIA Joom removes the listings.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims, excluding claims "
     "arising from past sales.",
     "pass", "fail"),
    ("原告免除被告因过往销售产生的一切索赔，但未免除SIA Joom的责任"
     "。",
     "not_released", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。SIA Jo"
     "om根据本协议承担的责任不予免除。",
     "pass", "pass"),
    # A release of Joom taken back ("revoked", "null and void", 撤销, 无效), not a condition on it,
    # nor "nothing revokes", nor irrevocable (不可撤销地, 不得撤销).
    ("Plaintiff releases Defendant from all claims arising from past sales and SIA "
     "Joom and its affiliates shall not be released.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. The release of SIA Joom is hereby revoked.",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. The release of SIA Joom shall be null and void.",
     "not_released", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。对SIA J"
     "oom的免责无效。",
     "not_released", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。原告撤销对S"
     "IA Joom的免责。",
     "not_released", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. The release of SIA Joom shall be void only if Defendant fails to pay.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. Nothing herein revokes the release of SIA Joom.",
     "pass", "pass"),
    ("原告不可撤销地免除被告及SIA Joom因过往销售产生的一切索赔。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔，该免责不得撤"
     "销。",
     "pass", "pass"),
    ("Plaintiff irrevocably releases Defendant and SIA Joom from all claims arising "
     "from past sales, and the release of SIA Joom shall not be revoked.",
     "pass", "pass"),
    # The whole release taken back, Joom not named in the sentence that takes it: no release
    # stands; a condition (the usual remedy for a payment not made) or a release that stands
    # is no taking back.
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. This release is hereby revoked.",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. Plaintiff hereby rescinds the foregoing release.",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. The above release shall be null and void.",
     "pass", "fail"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。上述免责现予撤销。",
     "pass", "fail"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。原告撤销本免责。",
     "pass", "fail"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. This release shall be void if Defendant fails to pay the settlement amount.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. Should Defendant fail to pay, the release is void.",
     "pass", "pass"),
    ("Plaintiff releases Defendant and SIA Joom from all claims arising from past "
     "sales. This release shall not be revoked or rescinded.",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。如被告未按期付款，上述免责无效。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。上述免责不可撤销。",
     "pass", "pass"),
    ("原告免除被告及SIA Joom因过往销售产生的一切索赔。本免责不得撤销。",
     "pass", "pass"),
]


def _agreement(clause: str) -> bytes:
    """The agreement with `clause` as its release, in the clause's language, broken into lines
    as a PDF would."""
    if CJK.search(clause):
        return unicode_pdf(zh(f"三、免责。{clause}"))
    return text_pdf(en("\n".join(textwrap.wrap(f"3. Release. {clause}", 90))))


@pytest.mark.parametrize(("clause", "joom", "release"), READ_AS_A_REVIEWER,
                         ids=[c[0][:70] for c in READ_AS_A_REVIEWER])
def test_a_release_clause_as_a_careful_reviewer_reads_it(case, clause, joom, release):
    got = run(case, agreement=[preflight.Document("a.pdf", _agreement(clause))], payment=[])
    names = got["agreement.names_joom"]
    read = names.status if names.status != "fail" else names.parts[0][0].rsplit(".fail_", 1)[1]
    assert (read, got["agreement.release"].status) == (joom, release), \
        (names.message("en"), got["agreement.release"].message("en"))


NOT_RELEASED = "preflight.agreement.names_joom.fail_not_released"
PAST_EXCLUDED = "preflight.agreement.release.fail_past_excluded"


def _keys(check):
    return check.status, [key for key, _ in check.parts]


@pytest.mark.parametrize("taken_back", ["This release is hereby revoked.", "上述免责现予撤销。"])
def test_a_release_taken_back_is_said_in_the_sellers_language(case, taken_back):
    clause = ("原告免除被告及SIA Joom因过往销售产生的一切索赔。" if CJK.search(taken_back) else
              "Plaintiff releases Defendant and SIA Joom from all claims arising from past sales. ")
    got = run(case, agreement=[preflight.Document("a.pdf", _agreement(clause + taken_back))],
              payment=[])
    release = got["agreement.release"]
    assert _keys(release) == ("fail", ["preflight.agreement.release.fail_revoked"])
    assert "This release is hereby revoked" in release.message("en")
    assert "上述免责现予撤销" in release.message("zh_CN")


def test_joom_named_only_as_the_one_asked_to_release_funds_is_said(case):
    got = run(case, agreement=[preflight.Document("a.pdf", text_pdf(en(ONLY_FUNDS)))],
              payment=[])["agreement.names_joom"]
    assert "asked to release frozen funds" in got.message("en")
    assert "解冻资金" in got.message("zh_CN")


# What an agreement expressly does not release, the check that fails for it, its message key
# and what the message says in each language.
EXPRESSLY_NOT_RELEASED = [
    *((name, text, make, "agreement.names_joom", NOT_RELEASED,
       ("expressly does not release Joom", "明确不免除 Joom"))
      for name, text, make in JOOM_NOT_RELEASED),
    *((name, text, make, "agreement.release", PAST_EXCLUDED,
       ("leaves past sales out", "过往销售排除在免责范围之外"))
      for name, text, make in PAST_NOT_RELEASED),
]


@pytest.mark.parametrize(("text", "make", "cid", "key", "says"),
                         [n[1:] for n in EXPRESSLY_NOT_RELEASED],
                         ids=[n[0] for n in EXPRESSLY_NOT_RELEASED])
def test_what_the_agreement_expressly_does_not_release_is_said(case, text, make, cid, key, says):
    got = run(case, agreement=[preflight.Document("a.pdf", make(text))], payment=[])[cid]
    assert _keys(got) == ("fail", [key])
    # The catalogue's words in each language, which say what the agreement does.
    messages = [got.message(lang) for lang in i18n.LANGUAGES]
    assert messages == [i18n.text(key, lang) for lang in i18n.LANGUAGES]
    assert all(said in message for said, message in zip(says, messages, strict=True))


@pytest.mark.parametrize(("text", "make"), [n[1:] for n in NEGATED_RELEASES],
                         ids=[n[0] for n in NEGATED_RELEASES])
def test_a_negated_release_is_said_to_release_nothing(case, text, make):
    got = run(case, agreement=[preflight.Document("a.pdf", make(text))], payment=[])
    release = got["agreement.release"]
    assert _keys(release) == ("fail", ["preflight.agreement.release.fail_negated"])
    assert "negated" in release.message("en") and "否定" in release.message("zh_CN")
    assert "has release language" not in release.message("en")
    # Joom named in the negated wording is expressly not released; where the wording does
    # not name it, Joom (the seller's "Joom store") is named in no release.
    joom = got["agreement.names_joom"]
    assert _keys(joom) == ("fail", [NOT_RELEASED if "SIA Joom" in text else
                                    "preflight.agreement.names_joom.fail_marketplace"])


EN_DATE, EN_PAYEE, EN_AMOUNT, EN_MEMO = (
    "Value date: 2026-03-03", "Beneficiary: Greer Trust LLP", "Amount: USD 6,500.00",
    "Memo: Joom Settlement {store}")
ZH_DATE, ZH_PAYEE, ZH_AMOUNT, ZH_MEMO = (
    "起息日：2026年3月3日", "收款人：Greer Trust LLP", "金额：USD 6,500.00",
    "附言：Joom Settlement {store}")


def en_slip(*fields, title="BANK OF SHANGHAI - OUTWARD REMITTANCE ADVICE"):
    return "\n".join([title, *fields]) + "\n"


def zh_slip(*fields, title="中国银行 境外汇款回单"):
    return "\n".join([title, *fields]) + "\n"


PAYMENTS = [
    ("good, English", PAYMENT, text_pdf, {}),
    ("good, Chinese slip", ZH_PAYMENT, unicode_pdf, {}),
    ("memo and store ID on a label line and the line after",
     PAYMENT.replace("Remittance information / Memo: Joom Settlement {store}",
                     "Remittance information\nJoom Settlement {store}"), text_pdf, {}),
    ("\"Joom Settlement\" memo, the store ID only in another field",
     PAYMENT.replace("Memo: Joom Settlement {store}", "Memo: Joom Settlement\n"
                     "Ordering customer account: {store}"), text_pdf, {"payment.memo": "fail"}),
    ("the store ID in another field on the memo's line",
     PAYMENT.replace("Memo: Joom Settlement {store}",
                     "Memo: Joom Settlement Customer ID: {store}"), text_pdf,
     {"payment.memo": "fail"}),
    ("Chinese: the store ID in the payer's field",
     ZH_PAYMENT.replace("汇款人：深圳示例贸易有限公司", "汇款人账号：{store}").replace(
         "附言：Joom Settlement {store}", "附言：Joom Settlement"), unicode_pdf,
     {"payment.memo": "fail"}),
    ("a longer ID containing the store ID", PAYMENT.replace("{store}", "{store}9"), text_pdf,
     {"payment.memo": "fail"}),
    ("the memo wraps: the store ID alone on the next line",
     PAYMENT.replace("Memo: Joom Settlement {store}", "Memo: Joom Settlement\n{store}"),
     text_pdf, {"payment.memo": "unknown"}),
    # Which field, whole tokens, an amount of something, a payee's name (not its bank).
    ("store ID only inside a longer account number",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: Joom Settlement 95f1a2b3c4d5e1"),
     text_pdf, {"payment.memo": "fail"}),
    ("memo names another store",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: Joom Settlement 5f1a2b3c4d5f"),
     text_pdf, {"payment.memo": "fail"}),
    ("Joom Settlement only as the beneficiary's name",
     en_slip(EN_DATE, "Beneficiary: Joom Settlement {store} Trust", EN_AMOUNT,
             "Memo: Invoice 2231"),
     text_pdf, {"payment.memo": "fail"}),
    ("Chinese: Joom Settlement in 收款人 field",
     zh_slip(ZH_DATE, "收款人：Joom Settlement {store}", ZH_AMOUNT, "附言：货款"),
     unicode_pdf, {"payment.memo": "fail"}),
    ("Chinese slip memo 用途 with store id",
     zh_slip(ZH_DATE, ZH_PAYEE, ZH_AMOUNT, "用途：Joom Settlement {store}"),
     unicode_pdf, {}),
    ("memo with store id after a hash",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Payment reference: JOOM SETTLEMENT #{store}"),
     text_pdf, {}),
    ("memo label line, store ID in the ordering customer field on the same line as the phrase",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Ordering customer: {store}   Memo: Joom Settlement"),
     text_pdf, {"payment.memo": "fail"}),
    ("store ID before the phrase in another field on the memo line",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Account: {store} Memo: Joom Settlement"),
     text_pdf, {"payment.memo": "fail"}),
    ("no amount (only a fee)",
     en_slip(EN_DATE, EN_PAYEE, "Reference no. 20260303", EN_MEMO),
     text_pdf, {"payment.amount_date": "fail"}),
    ("no payee",
     en_slip(EN_DATE, EN_AMOUNT, EN_MEMO),
     text_pdf, {"payment.amount_date": "fail"}),
    ("Chinese: no date",
     zh_slip(ZH_PAYEE, ZH_AMOUNT, ZH_MEMO),
     unicode_pdf, {"payment.amount_date": "fail"}),
    ("Chinese: amount 金额 6500.00 美元 and 收款方",
     zh_slip("日期：2026-03-03", "收款方：Greer, Burns & Crain, Ltd.", "金额：6,500.00 美元",
             ZH_MEMO),
     unicode_pdf, {}),
    ("payee field empty",
     en_slip(EN_DATE, "Beneficiary:", EN_AMOUNT, EN_MEMO),
     text_pdf, {"payment.amount_date": "fail"}),
    ("Chinese: 收款人 field empty",
     zh_slip(ZH_DATE, "收款人：", ZH_AMOUNT, ZH_MEMO),
     unicode_pdf, {"payment.amount_date": "fail"}),
    ("amount zero",
     en_slip(EN_DATE, EN_PAYEE, "Amount: USD 0.00", EN_MEMO),
     text_pdf, {"payment.amount_date": "fail"}),
    ("only the beneficiary bank, not a payee",
     en_slip(EN_DATE, "Beneficiary bank: JPMorgan Chase Bank, N.A.", EN_AMOUNT, EN_MEMO),
     text_pdf, {"payment.amount_date": "fail"}),
    ("store ID split by the phrase into another field (Customer ref)",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: Joom Settlement", "Customer reference: {store}"),
     text_pdf, {"payment.memo": "fail"}),
    ("memo: store ID with a prefix \"Store\"",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: Joom Settlement Store {store}"),
     text_pdf, {}),
    ("Chinese: 附言 with full-width colon and store",
     zh_slip(ZH_DATE, ZH_PAYEE, ZH_AMOUNT, "交易附言：Joom Settlement {store}"),
     unicode_pdf, {}),
    ("beneficiary and account number on one line",
     en_slip(EN_DATE, "Beneficiary: Greer Trust LLP  Account No: 0012345", EN_AMOUNT, EN_MEMO),
     text_pdf, {}),
    ("table layout: labels without colons, values on the next line",
     en_slip("Value date 2026-03-03", "Beneficiary", "Greer Trust LLP", "Amount",
             "USD 6,500.00", EN_MEMO),
     text_pdf, {}),
    ("amount without currency beside a currency field",
     en_slip(EN_DATE, EN_PAYEE, "Currency: USD", "Amount: 6,500.00", EN_MEMO),
     text_pdf, {}),
    ("Chinese: 收款人名称 and 小写金额",
     zh_slip("日期：2026-03-03", "收款人名称：Greer Trust LLP",
             "收款人开户行：JPMorgan Chase Bank", "汇款金额（小写）：6,500.00", "币种：USD",
             ZH_MEMO, title="中国工商银行 国际汇款凭证"),
     unicode_pdf, {}),
    ("Chinese: only 收款人开户行 and 收款人账号, no payee name",
     zh_slip("日期：2026-03-03", "收款人开户行：JPMorgan Chase Bank", "收款人账号：000123456",
             ZH_AMOUNT, ZH_MEMO, title="中国工商银行 国际汇款凭证"),
     unicode_pdf, {"payment.amount_date": "fail"}),
    ("beneficiary's bank only",
     en_slip(EN_DATE, "Beneficiary's bank: JPMorgan Chase Bank", EN_AMOUNT, EN_MEMO),
     text_pdf, {"payment.amount_date": "fail"}),
    ("Chinese: amount zero",
     zh_slip(ZH_DATE, ZH_PAYEE, "金额：USD 0.00", ZH_MEMO),
     unicode_pdf, {"payment.amount_date": "fail"}),
    ("Chinese: 附言 with 店铺 before the store id",
     zh_slip(ZH_DATE, ZH_PAYEE, ZH_AMOUNT, "附言：Joom Settlement 店铺 {store}"),
     unicode_pdf, {}),
    ("memo reads Joom Settlement with the store ID in the beneficiary's account number",
     en_slip(EN_DATE, EN_PAYEE, "Beneficiary account: {store}", EN_AMOUNT, "Memo: Joom Settlement"),
     text_pdf, {"payment.memo": "fail"}),
    ("memo's store ID inside a longer token with letters",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: Joom Settlement X{store}"),
     text_pdf, {"payment.memo": "fail"}),
    # An MT103 copy's fields; the memo's phrase and store ID written differently.
    ("SWIFT MT103 copy: the memo in field 70",
     en_slip(":32A:260303USD6500,00", ":59:/0012345", "Greer Trust LLP",
             ":70:Joom Settlement {store}", title="BANK OF SHANGHAI - MT103 COPY"),
     text_pdf, {}),
    ("memo under Details of Payment (Field 70)",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT,
             "Details of Payment (Field 70): Joom Settlement {store}"),
     text_pdf, {}),
    ("memo with no spaces",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: JOOMSETTLEMENT{store}"),
     text_pdf, {}),
    ("store ID in capitals, broken by spaces",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: Joom Settlement 5F1A 2B3C 4D5E"),
     text_pdf, {}),
    ("store ID in the memo but not the phrase",
     en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, "Memo: Settlement {store}"),
     text_pdf, {"payment.memo": "fail"}),
    ("Chinese: 附言 Joom 和解 instead of the phrase",
     zh_slip(ZH_DATE, ZH_PAYEE, ZH_AMOUNT, "附言：Joom 和解 {store}"),
     unicode_pdf, {"payment.memo": "fail"}),
    ("Chinese: date 2026/03/03 and amount ¥ (CNY)",
     zh_slip("交易日期：2026/03/03", "收款人户名：Greer Trust LLP", "金额：¥46,800.00", ZH_MEMO,
             title="中国银行 境内汇款回单"),
     unicode_pdf, {}),
    ("date missing: only the time",
     en_slip("Time: 14:03:22", EN_PAYEE, EN_AMOUNT, EN_MEMO),
     text_pdf, {"payment.amount_date": "fail"}),
]


@pytest.mark.parametrize(("text", "make", "expected"), [p[1:] for p in PAYMENTS],
                         ids=[p[0] for p in PAYMENTS])
def test_payment_slips(case, text, make, expected):
    slip = preflight.Document("slip.pdf", make(text.format(store=STORE)))
    got = run(case, agreement=[], payment=[slip])
    for cid in ("payment.memo", "payment.amount_date"):
        assert got[cid].status == expected.get(cid, "pass"), (cid, got[cid].message("en"))
    if expected.get("payment.memo") == "unknown":
        assert "by hand" in got["payment.memo"].message("en")
        assert "人工核对" in got["payment.memo"].message("zh_CN")


@pytest.mark.parametrize(("amount", "other"), [("Amount: USD 0.00", None), ("Amount: USD 0", None),
                                               ("Amount: USD 0.00", "Amount: USD 6,500.00")])
def test_a_slip_of_nothing_paid_says_so(case, amount, other):
    """A slip whose every amount is zero paid nothing: said in its own words (both languages),
    not as a slip without an amount; another amount on it above zero is the payment."""
    lines = [EN_DATE, EN_PAYEE, amount, EN_MEMO] + ([other] if other else [])
    slip = preflight.Document("slip.pdf", text_pdf(en_slip(*lines).format(store=STORE)))
    check = run(case, agreement=[], payment=[slip])["payment.amount_date"]
    if other:
        assert check.status == "pass"
        return
    assert _keys(check) == ("fail", ["preflight.payment.amount_date.fail_zero"])
    assert "amount of zero" in check.message("en") and "金额为零" in check.message("zh_CN")


@pytest.mark.parametrize(("status", "paid"), [
    ("Status: Returned", False), ("Transaction status: REJECTED", False),
    ("Payment Status: Cancelled", False), ("交易状态：已退汇", False),
    ("汇款状态：汇款失败", False), ("状态：已撤销", False), ("Status: Completed", True),
    ("交易状态：成功", True),
    ("If the payment is returned, the fee is not refunded.", True),
    ("如汇款被退回，手续费不予退还。", True)])
def test_a_slip_whose_status_says_the_payment_failed_says_so(case, status, paid):
    """Returned, rejected, failed, cancelled (退汇, 失败, 已撤销) in the slip's status field: the
    payment did not go through, said in both languages; in the small print it is no status."""
    if CJK.search(status):
        slip = unicode_pdf(zh_slip(ZH_DATE, ZH_PAYEE, ZH_AMOUNT, ZH_MEMO, status).format(
            store=STORE))
    else:
        slip = text_pdf(en_slip(EN_DATE, EN_PAYEE, EN_AMOUNT, EN_MEMO, status).format(
            store=STORE))
    check = run(case, agreement=[], payment=[preflight.Document("slip.pdf", slip)])[
        "payment.amount_date"]
    if paid:
        assert check.status == "pass", check.message("en")
        return
    assert _keys(check) == ("fail", ["preflight.payment.amount_date.fail_not_paid"])
    assert "did not go through" in check.message("en") and "未成功" in check.message("zh_CN")


@pytest.mark.parametrize("watermark", ["Scanned with CamScanner", "CS 扫描全能王",
                                       "Scanned by Adobe Scan"])
def test_a_scanner_watermark_page_is_a_scan_not_a_failure(case, watermark):
    doc = preflight.Document("scan.pdf", unicode_pdf(watermark))
    got = run(case, agreement=[doc], payment=[doc])
    for cid in (*AGREEMENT_IDS, "payment.memo", "payment.amount_date"):
        assert got[cid].status == "unknown", cid
        assert "no text layer" in got[cid].message("en")


def test_scanned_pages_beside_text_turn_a_fail_into_unknown(case):
    # Page 1 is text (no store ID on it); page 2 only the scanning app's stamp.
    text = en().replace(STORE, "0000")
    lines = text.splitlines()
    doc = preflight.Document("mixed.pdf", text_pdf("\n".join(
        lines + ["."] * (40 - len(lines)) + ["Scanned with CamScanner"])))
    got = run(case, agreement=[doc], payment=[])
    assert got["agreement.names_joom"].status == "pass"
    assert got["agreement.store_id"].status == "unknown"
    assert "page(s) 2 have no text layer" in got["agreement.store_id"].message("en")


def _slip(text):
    return text_pdf(text.format(store=STORE))


@pytest.mark.parametrize(("older", "newer", "status"), [
    (PAYMENT, PAYMENT.replace("Joom Settlement {store}", "Invoice 2231"), "fail"),
    (PAYMENT.replace("Joom Settlement {store}", "Invoice 2231"), PAYMENT, "pass"),
], ids=["the corrected slip lost the memo", "the corrected slip has it"])
def test_a_newer_payment_proof_supersedes_the_older(case, vault, home, older, newer, status):
    vault.add(_slip(older), {"kind": "payment", "case": case.id, "original_name": "old.pdf",
                             "captured_at": "2026-03-03T08:00:00Z"})
    vault.add(_slip(newer), {"kind": "payment", "case": case.id,
                             "original_name": "corrected.pdf",
                             "captured_at": "2026-03-04T08:00:00Z"})
    got = {c.id: c for c in preflight.run(case, preflight.gather(home, case, vault=vault), T0)}
    assert got["payment.memo"].status == status
    assert "Only the newest payment proof, corrected.pdf, was read" in \
        got["payment.memo"].message("en")
    assert "old.pdf" in got["payment.memo"].message("zh_CN")


def test_the_corrected_slip_added_before_the_older_one_still_supersedes_it(case, vault, home):
    # Filed out of order: the older slip (its memo wrong) reaches the vault after the corrected
    # one; the later capture is the one read, whatever the order they were added in.
    vault.add(_slip(PAYMENT), {"kind": "payment", "case": case.id,
                               "original_name": "corrected.pdf",
                               "captured_at": "2026-03-04T08:00:00Z"})
    vault.add(_slip(PAYMENT.replace("Joom Settlement {store}", "Joom Settlement")),
              {"kind": "payment", "case": case.id, "original_name": "old.pdf",
               "captured_at": "2026-03-03T08:00:00Z"})
    got = {c.id: c for c in preflight.run(case, preflight.gather(home, case, vault=vault), T0)}
    assert got["payment.memo"].status == "pass"
    assert "Only the newest payment proof, corrected.pdf, was read" in \
        got["payment.memo"].message("en")


def test_of_several_payment_files_given_the_last_supersedes_the_others(case, home):
    older = preflight.Document("old.pdf", _slip(PAYMENT.replace("Joom Settlement {store}",
                                                                "Invoice 2231")))
    newer = preflight.Document("corrected.pdf", _slip(PAYMENT))
    inputs = preflight.gather(home, case, payment=[older, newer])
    assert inputs.payment == [newer] and inputs.superseded == {"payment": ["old.pdf"]}
    got = {c.id: c for c in preflight.run(case, inputs, T0)}
    assert got["payment.memo"].status == "pass"
    assert "Only the newest payment proof, corrected.pdf, was read" in \
        got["payment.memo"].message("en")
