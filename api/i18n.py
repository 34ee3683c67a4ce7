"""The words of the pages in English, Hebrew and Arabic; labels from the graph come in their own language.

Templates call ``t("key")`` (the reader's language is read from the template's ``lang``) and
``t("key", n=3)`` for strings with ``{n}``-style fields. A key with no translation falls back to
English, and an unknown key shows as itself, so a missing string never breaks a page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

LANG_NAMES = {"en": "English", "he": "עברית", "ar": "العربية"}

STRINGS: dict[str, dict[str, str]] = {
    # layout
    "skip": {"en": "Skip to content", "he": "דילוג לתוכן", "ar": "انتقل إلى المحتوى"},
    "nav.main": {"en": "Main", "he": "ראשי", "ar": "رئيسي"},
    "nav.home": {"en": "Home", "he": "בית", "ar": "الرئيسية"},
    "nav.criteria": {"en": "Criteria", "he": "קריטריונים", "ar": "المعايير"},
    "nav.communities": {"en": "Communities", "he": "קהילות", "ar": "المجتمعات"},
    "nav.queries": {"en": "Queries", "he": "שאילתות", "ar": "الاستعلامات"},
    "nav.sparql": {"en": "SPARQL", "he": "SPARQL", "ar": "SPARQL"},
    "nav.upload": {"en": "Upload", "he": "העלאה", "ar": "رفع البيانات"},
    "nav.api": {"en": "API", "he": "API", "ar": "واجهة API"},
    "nav.language": {"en": "Language", "he": "שפה", "ar": "اللغة"},
    "footer": {"en": "The Common Criteria of learning communities and cities, as a knowledge graph.",
               "he": "הקריטריונים המשותפים של קהילות וערים לומדות, כגרף ידע.",
               "ar": "المعايير المشتركة للمجتمعات والمدن المتعلمة، كرسم بياني معرفي."},
    "also_as": {"en": "Also as", "he": "גם בתור", "ar": "متاح أيضا بصيغة"},
    "download": {"en": "Download", "he": "הורדה", "ar": "تنزيل"},
    "none": {"en": "None yet.", "he": "עדיין אין.", "ar": "لا شيء بعد."},
    "back": {"en": "Back", "he": "חזרה", "ar": "رجوع"},
    # home
    "home.title": {"en": "A common language for learning communities and cities",
                   "he": "שפה משותפת לקהילות וערים לומדות",
                   "ar": "لغة مشتركة للمجتمعات والمدن المتعلمة"},
    "home.intro": {"en": "The Common Criteria as a knowledge graph. The criteria judge how a community functions, "
                         "collaborates and includes its citizens, never topics; a community is evaluated against its "
                         "available and potential resources, never in absolute terms; and the framework itself learns "
                         "and changes.",
                   "he": "הקריטריונים המשותפים כגרף ידע. הקריטריונים בוחנים כיצד קהילה פועלת, משתפת פעולה ומשלבת "
                         "את אזרחיה, ולעולם לא נושאי תוכן; קהילה נבחנת ביחס למשאבים הזמינים והפוטנציאליים שלה, "
                         "ולא במונחים מוחלטים; והמסגרת עצמה לומדת ומשתנה.",
                   "ar": "المعايير المشتركة كرسم بياني معرفي. تقيس المعايير كيف يعمل المجتمع ويتعاون ويدمج "
                         "مواطنيه، وليس المواضيع؛ ويُقيَّم المجتمع قياسا إلى موارده المتاحة والمحتملة، لا بمقاييس "
                         "مطلقة؛ والإطار نفسه يتعلم ويتغير."},
    "home.counts": {"en": "In numbers", "he": "במספרים", "ar": "بالأرقام"},
    "home.ways": {"en": "Ways in", "he": "דרכי כניסה", "ar": "طرق الدخول"},
    "home.way.criteria": {"en": "Read the criteria, their statements and the dialogue questions",
                          "he": "קראו את הקריטריונים, ההיגדים ושאלות הדיאלוג",
                          "ar": "اقرأ المعايير وعباراتها وأسئلة الحوار"},
    "home.way.communities": {"en": "See the communities, their partners and partnership networks",
                             "he": "ראו את הקהילות, השותפים ורשתות השותפות",
                             "ar": "شاهد المجتمعات وشركاءها وشبكات الشراكة"},
    "home.way.queries": {"en": "Ask the framework's questions with ready-made queries",
                         "he": "שאלו את שאלות המסגרת בעזרת שאילתות מוכנות",
                         "ar": "اطرح أسئلة الإطار باستعلامات جاهزة"},
    "home.way.sparql": {"en": "Write your own SPARQL", "he": "כתבו SPARQL משלכם", "ar": "اكتب استعلام SPARQL خاصا بك"},
    "home.way.upload": {"en": "Upload your community's data and read the verdict",
                        "he": "העלו את נתוני הקהילה וקראו את התוצאה",
                        "ar": "ارفع بيانات مجتمعك واقرأ النتيجة"},
    "count.criteria": {"en": "criteria", "he": "קריטריונים", "ar": "معيارا"},
    "count.statements": {"en": "statements", "he": "היגדים", "ar": "عبارة"},
    "count.communities": {"en": "communities", "he": "קהילות", "ar": "مجتمعا"},
    "count.partners": {"en": "partners", "he": "שותפים", "ar": "شريكا"},
    "count.queries": {"en": "named queries", "he": "שאילתות מוכנות", "ar": "استعلاما جاهزا"},
    # criteria
    "criteria.title": {"en": "The Common Criteria", "he": "הקריטריונים המשותפים", "ar": "المعايير المشتركة"},
    "criteria.intro": {"en": "{n} criteria in alphabetical order, each a set of short statements.",
                       "he": "{n} קריטריונים בסדר אלפביתי, כל אחד קבוצה של היגדים קצרים.",
                       "ar": "{n} معيارا بترتيب أبجدي، كل منها مجموعة من العبارات القصيرة."},
    "criteria.all": {"en": "All criteria", "he": "כל הקריטריונים", "ar": "كل المعايير"},
    "criterion.statements": {"en": "Statements", "he": "היגדים", "ar": "العبارات"},
    "criterion.dimensions": {"en": "Dimensions", "he": "ממדים", "ar": "الأبعاد"},
    "criterion.shapes": {"en": "What the graph checks", "he": "מה הגרף בודק", "ar": "ما يفحصه الرسم البياني"},
    "criterion.shapes.intro": {"en": "Patterns in a community's data that raise a finding for this criterion.",
                               "he": "דפוסים בנתוני הקהילה המעלים ממצא עבור קריטריון זה.",
                               "ar": "أنماط في بيانات المجتمع تثير ملاحظة لهذا المعيار."},
    "criterion.questions": {"en": "Dialogue questions", "he": "שאלות דיאלוג", "ar": "أسئلة الحوار"},
    "criterion.queries": {"en": "Queries", "he": "שאילתות", "ar": "الاستعلامات"},
    "criterion.evidence": {"en": "The communities' evidence", "he": "הראיות של הקהילות", "ar": "أدلة المجتمعات"},
    "criterion.findings": {"en": "Findings across communities", "he": "ממצאים בכל הקהילות", "ar": "الملاحظات عبر المجتمعات"},
    "criterion.findings.line": {"en": "{results} {severity} finding(s) in {communities} community(ies)",
                                "he": "{results} ממצאים ברמת {severity} ב-{communities} קהילות",
                                "ar": "{results} ملاحظة بمستوى {severity} في {communities} مجتمع"},
    "col.community": {"en": "Community", "he": "קהילה", "ar": "المجتمع"},
    "col.evidence": {"en": "Examples", "he": "דוגמאות", "ar": "أمثلة"},
    "col.unsuccessful": {"en": "Of which did not work", "he": "מתוכן לא הצליחו", "ar": "منها لم تنجح"},
    "col.dialogues": {"en": "Dialogues", "he": "דיאלוגים", "ar": "الحوارات"},
    "shape.hint": {"en": "What to change", "he": "מה לשנות", "ar": "ما الذي يجب تغييره"},
    # severities
    "sev.Violation": {"en": "Violation", "he": "הפרה", "ar": "مخالفة"},
    "sev.Warning": {"en": "Warning", "he": "אזהרה", "ar": "تحذير"},
    "sev.Info": {"en": "Info", "he": "מידע", "ar": "معلومة"},
    # communities
    "communities.title": {"en": "Communities", "he": "קהילות", "ar": "المجتمعات"},
    "communities.intro": {"en": "{n} communities. Click a column heading to sort; resources are what each community "
                                "has (available) and could have (potential).",
                          "he": "{n} קהילות. לחצו על כותרת עמודה כדי למיין; משאבים הם מה שיש לכל קהילה (זמינים) "
                                "ומה שיכול להיות לה (פוטנציאליים).",
                          "ar": "{n} مجتمعا. انقر على عنوان عمود للفرز؛ الموارد هي ما لدى كل مجتمع (متاحة) وما "
                                "يمكن أن يكون لديه (محتملة)."},
    "communities.sort": {"en": "Sort by", "he": "מיון לפי", "ar": "فرز حسب"},
    "col.name": {"en": "Name", "he": "שם", "ar": "الاسم"},
    "col.population": {"en": "Population", "he": "אוכלוסייה", "ar": "السكان"},
    "col.stage": {"en": "Stage", "he": "שלב", "ar": "المرحلة"},
    "col.partners": {"en": "Partners", "he": "שותפים", "ar": "الشركاء"},
    "col.partnerships": {"en": "Partnerships", "he": "שותפויות", "ar": "الشراكات"},
    "col.initiatives": {"en": "Initiatives", "he": "יוזמות", "ar": "المبادرات"},
    "col.available": {"en": "Resources available", "he": "משאבים זמינים", "ar": "الموارد المتاحة"},
    "col.potential": {"en": "Resources potential", "he": "משאבים פוטנציאליים", "ar": "الموارد المحتملة"},
    "sortable": {"en": "sortable", "he": "ניתן למיון", "ar": "قابل للفرز"},
    "community.all": {"en": "All communities", "he": "כל הקהילות", "ar": "كل المجتمعات"},
    "community.population": {"en": "Population", "he": "אוכלוסייה", "ar": "السكان"},
    "community.stage": {"en": "Stage", "he": "שלב", "ar": "المرحلة"},
    "community.partOf": {"en": "Part of", "he": "חלק מ", "ar": "جزء من"},
    "community.collaboratesWith": {"en": "Collaborates with", "he": "משתפת פעולה עם", "ar": "يتعاون مع"},
    "community.contents": {"en": "On this page", "he": "בעמוד זה", "ar": "في هذه الصفحة"},
    "community.partners": {"en": "Partners by sector", "he": "שותפים לפי מגזר", "ar": "الشركاء حسب القطاع"},
    "community.byField": {"en": "By field", "he": "לפי תחום", "ar": "حسب المجال"},
    "community.network": {"en": "Partnership network", "he": "רשת השותפויות", "ar": "شبكة الشراكات"},
    "community.network.intro": {"en": "Each dot is a partner, coloured by sector; a line joins two partners for each partnership they share.",
                                "he": "כל נקודה היא שותף, בצבע לפי מגזר; קו מחבר שני שותפים עבור כל שותפות משותפת להם.",
                                "ar": "كل نقطة شريك ملوّنة حسب القطاع؛ ويصل خط بين شريكين عن كل شراكة تجمعهما."},
    "community.network.full": {"en": "The network on its own page, with its tables and downloads",
                               "he": "הרשת בעמוד נפרד, עם טבלאות והורדות",
                               "ar": "الشبكة في صفحة مستقلة مع الجداول والتنزيلات"},
    "community.findings": {"en": "Criteria findings", "he": "ממצאי הקריטריונים", "ar": "ملاحظات المعايير"},
    "community.findings.intro": {"en": "Patterns the criteria shapes found in the community's current data. A finding is raised only where the community could act on it with what it has.",
                                 "he": "דפוסים שמצאו תבניות הקריטריונים בנתונים הנוכחיים של הקהילה. ממצא עולה רק כאשר הקהילה יכולה לפעול בעניינו במשאבים שיש לה.",
                                 "ar": "أنماط وجدتها أشكال المعايير في بيانات المجتمع الحالية. لا تُثار ملاحظة إلا حيث يستطيع المجتمع العمل عليها بما لديه."},
    "community.findings.none": {"en": "No findings: either the data shows none of the patterns, or the community has not uploaded data through the service yet.",
                                "he": "אין ממצאים: או שהנתונים אינם מראים אף דפוס, או שהקהילה עדיין לא העלתה נתונים דרך השירות.",
                                "ar": "لا ملاحظات: إما أن البيانات لا تُظهر أيا من الأنماط، أو أن المجتمع لم يرفع بياناته عبر الخدمة بعد."},
    "community.indicators": {"en": "Indicators within the peer group", "he": "מדדים בתוך קבוצת העמיתים", "ar": "المؤشرات ضمن مجموعة الأقران"},
    "community.indicators.intro": {"en": "Each bar is the peer group (communities of similar size and resources per inhabitant) in four quarters; the dark quarter is where this community stands. Each column reads the indicator against something else: as it is, per 1,000 inhabitants, per available or potential resource. No other community is named and there is no league table.",
                                   "he": "כל פס הוא קבוצת העמיתים (קהילות בגודל ובמשאבים לנפש דומים) בארבעה רבעים; הרבע הכהה הוא מקומה של קהילה זו. כל עמודה קוראת את המדד ביחס למשהו אחר: כפי שהוא, ל-1,000 תושבים, למשאב זמין או פוטנציאלי. אף קהילה אחרת אינה נזכרת ואין טבלת דירוג.",
                                   "ar": "كل شريط هو مجموعة الأقران (مجتمعات متقاربة في الحجم والموارد لكل ساكن) في أربعة أرباع؛ والربع الداكن هو موقع هذا المجتمع. كل عمود يقرأ المؤشر قياسا إلى شيء آخر: كما هو، لكل 1000 ساكن، لكل مورد متاح أو محتمل. لا يُذكر أي مجتمع آخر ولا يوجد جدول ترتيب."},
    "community.indicators.none": {"en": "No indicators yet: they are computed when the community uploads its data.",
                                  "he": "אין עדיין מדדים: הם מחושבים כאשר הקהילה מעלה את נתוניה.",
                                  "ar": "لا مؤشرات بعد: تُحسب عندما يرفع المجتمع بياناته."},
    "band.low": {"en": "lower quarter", "he": "הרבע התחתון", "ar": "الربع الأدنى"},
    "band.lower-mid": {"en": "second quarter", "he": "הרבע השני", "ar": "الربع الثاني"},
    "band.upper-mid": {"en": "third quarter", "he": "הרבע השלישי", "ar": "الربع الثالث"},
    "band.high": {"en": "upper quarter", "he": "הרבע העליון", "ar": "الربع الأعلى"},
    "band.few": {"en": "too few peers to compare", "he": "מעט מדי עמיתים להשוואה", "ar": "أقران أقل من أن تتيح المقارنة"},
    "peers.nearest": {"en": "Peers: the {k} communities nearest to this one in population and in available resources per 1,000 inhabitants (the community itself is placed among them, never ranked).",
                      "he": "עמיתים: {k} הקהילות הקרובות ביותר לקהילה זו בגודל האוכלוסייה ובמשאבים הזמינים לכל 1,000 תושבים (הקהילה ממוקמת ביניהן, ולא מדורגת).",
                      "ar": "الأقران: المجتمعات الـ{k} الأقرب إلى هذا المجتمع في عدد السكان وفي الموارد المتاحة لكل 1,000 ساكن (يوضع المجتمع بينها، ولا يُرتَّب)."},
    "peers.wider": {"en": "Widen the peer group", "he": "הרחבת קבוצת העמיתים", "ar": "توسيع مجموعة الأقران"},
    "peers.narrower": {"en": "Narrow it", "he": "צמצום", "ar": "تضييقها"},
    "col.expected": {"en": "Given its resources", "he": "ביחס למשאביה", "ar": "قياسًا بموارده"},
    "verdict.above": {"en": "above what its resources predict", "he": "מעל למצופה לפי משאביה",
                      "ar": "أعلى مما تتوقعه موارده"},
    "verdict.as-expected": {"en": "as its resources predict", "he": "כמצופה לפי משאביה", "ar": "كما تتوقع موارده"},
    "verdict.below": {"en": "below what its resources predict", "he": "מתחת למצופה לפי משאביה",
                      "ar": "أدنى مما تتوقعه موارده"},
    "col.own": {"en": "This community", "he": "הקהילה עצמה", "ar": "المجتمع نفسه"},
    "figure.share": {"en": "{count} of {base} ({percent} %)", "he": "{count} מתוך {base} ({percent}%)",
                     "ar": "{count} من {base} ({percent}٪)"},
    "col.indicator": {"en": "Indicator", "he": "מדד", "ar": "المؤشر"},
    "col.change": {"en": "Change", "he": "שינוי", "ar": "التغيّر"},
    "col.over_time": {"en": "Over its versions", "he": "לאורך הגרסאות", "ar": "عبر الإصدارات"},
    "change.since": {"en": "since version {version}", "he": "מאז גרסה {version}", "ar": "منذ الإصدار {version}"},
    "change.none": {"en": "no earlier version", "he": "אין גרסה קודמת", "ar": "لا إصدار سابق"},
    "change.same": {"en": "unchanged", "he": "ללא שינוי", "ar": "دون تغيير"},
    "history.title": {"en": "{label}: indicators over time", "he": "{label}: מדדים לאורך זמן", "ar": "{label}: المؤشرات عبر الزمن"},
    "history.intro": {"en": "Each accepted upload is a version of the community's data, and each version keeps its assessment. A row is one indicator: the community's own figure at each version and how it changed from the version before. Only the community's own figures are shown.",
                      "he": "כל העלאה שהתקבלה היא גרסה של נתוני הקהילה, ולכל גרסה נשמרת ההערכה שלה. כל שורה היא מדד אחד: הנתון של הקהילה עצמה בכל גרסה, וכמה השתנה מהגרסה הקודמת. מוצגים רק הנתונים של הקהילה עצמה.",
                      "ar": "كل رفع مقبول هو إصدار من بيانات المجتمع، ويحتفظ كل إصدار بتقييمه. كل صف مؤشر واحد: رقم المجتمع نفسه في كل إصدار ومقدار تغيّره عن الإصدار السابق. لا تُعرض إلا أرقام المجتمع نفسه."},
    "history.one": {"en": "Only one version so far: changes appear after the next accepted upload.",
                    "he": "עד כה יש גרסה אחת בלבד: השינויים יופיעו אחרי ההעלאה הבאה שתתקבל.",
                    "ar": "لا يوجد حتى الآن إلا إصدار واحد: تظهر التغيّرات بعد الرفع المقبول التالي."},
    "history.none": {"en": "No assessed version yet: versions are kept from the community's first accepted upload.",
                     "he": "עדיין אין גרסה שהוערכה: הגרסאות נשמרות מההעלאה הראשונה שהתקבלה.",
                     "ar": "لا يوجد إصدار مُقيَّم بعد: تُحفظ الإصدارات ابتداءً من أول رفع مقبول للمجتمع."},
    "history.link": {"en": "These figures over the community's {n} versions", "he": "הנתונים האלה לאורך {n} הגרסאות של הקהילה",
                     "ar": "هذه الأرقام عبر إصدارات المجتمع الـ{n}"},
    "history.version": {"en": "Version {version}", "he": "גרסה {version}", "ar": "الإصدار {version}"},
    "history.current": {"en": "current", "he": "נוכחית", "ar": "الحالي"},
    "network.metrics.about": {"en": "Figures of the partner network, recomputed at every upload (two partners are tied when they share a partnership); the change is since the previous version.",
                              "he": "נתוני רשת השותפים, מחושבים מחדש בכל העלאה (שני שותפים קשורים כשהם חולקים שותפות); השינוי הוא מאז הגרסה הקודמת.",
                              "ar": "أرقام شبكة الشركاء، تُحسب من جديد عند كل رفع (يرتبط شريكان حين يتشاركان في شراكة)؛ والتغيّر منذ الإصدار السابق."},
    "history.back": {"en": "Back to the community", "he": "חזרה לקהילה", "ar": "العودة إلى المجتمع"},
    "peers": {"en": "{n} peers", "he": "{n} עמיתים", "ar": "{n} من الأقران"},
    "community.dialogue": {"en": "Stage and dialogue", "he": "שלב ודיאלוג", "ar": "المرحلة والحوار"},
    "community.details": {"en": "Partnerships, initiatives and the rest", "he": "שותפויות, יוזמות ועוד", "ar": "الشراكات والمبادرات وغيرها"},
    "community.upload": {"en": "Upload new data for this community", "he": "העלאת נתונים חדשים לקהילה זו", "ar": "رفع بيانات جديدة لهذا المجتمع"},
    "no_sector": {"en": "no sector", "he": "ללא מגזר", "ar": "بلا قطاع"},
    "no_field": {"en": "no field", "he": "ללא תחום", "ar": "بلا مجال"},
    "sec.partnerships": {"en": "Partnerships", "he": "שותפויות", "ar": "الشراكات"},
    "sec.infrastructures": {"en": "Infrastructures", "he": "תשתיות", "ar": "البنى التحتية"},
    "sec.initiatives": {"en": "Initiatives", "he": "יוזמות", "ar": "المبادرات"},
    "sec.citizenGroups": {"en": "Citizen groups", "he": "קבוצות אזרחים", "ar": "مجموعات المواطنين"},
    "sec.needs": {"en": "Needs", "he": "צרכים", "ar": "الاحتياجات"},
    "sec.resources": {"en": "Resources", "he": "משאבים", "ar": "الموارد"},
    "sec.policies": {"en": "Policies", "he": "מדיניות", "ar": "السياسات"},
    "sec.dialogues": {"en": "Dialogues", "he": "דיאלוגים", "ar": "الحوارات"},
    "sec.evidence": {"en": "Evidence", "he": "ראיות", "ar": "الأدلة"},
    "col.members": {"en": "Members", "he": "חברים", "ar": "الأعضاء"},
    "col.sectors": {"en": "Sectors", "he": "מגזרים", "ar": "القطاعات"},
    "col.agenda": {"en": "Agenda", "he": "סדר יום", "ar": "جدول الأعمال"},
    "col.citizenGroups": {"en": "Citizen groups", "he": "קבוצות אזרחים", "ar": "مجموعات المواطنين"},
    "col.ledBy": {"en": "Led by", "he": "בהובלת", "ar": "بقيادة"},
    "col.for": {"en": "For", "he": "עבור", "ar": "لصالح"},
    "col.coDesigned": {"en": "Co-designed with", "he": "תוכנן יחד עם", "ar": "صُمّم بالاشتراك مع"},
    "col.status": {"en": "Status", "he": "סטטוס", "ar": "الحالة"},
    "col.worked": {"en": "Worked?", "he": "הצליח?", "ar": "هل نجح؟"},
    "yes": {"en": "yes", "he": "כן", "ar": "نعم"},
    "no": {"en": "no", "he": "לא", "ar": "لا"},
    "none_visible": {"en": "none visible", "he": "לא גלוי", "ar": "غير ظاهر"},
    "available": {"en": "Available", "he": "זמינים", "ar": "متاحة"},
    "potential": {"en": "Potential", "he": "פוטנציאליים", "ar": "محتملة"},
    "did_not_work": {"en": "did not work", "he": "לא הצליח", "ar": "لم ينجح"},
    # network
    "network.title": {"en": "{label}: partnership network", "he": "{label}: רשת השותפויות", "ar": "{label}: شبكة الشراكات"},
    "network.counts": {"en": "{nodes} partners, {edges} partnership links", "he": "{nodes} שותפים, {edges} קשרי שותפות",
                       "ar": "{nodes} شريكا، {edges} رابط شراكة"},
    "network.counts.bipartite": {"en": "{nodes} nodes, {edges} edges", "he": "{nodes} צמתים, {edges} קשתות", "ar": "{nodes} عقدة، {edges} حافة"},
    "network.svg": {"en": "Partnership network of {label}", "he": "רשת השותפויות של {label}", "ar": "شبكة شراكات {label}"},
    "network.bipartite": {"en": "Show partnerships as nodes", "he": "הצגת שותפויות כצמתים", "ar": "عرض الشراكات كعقد"},
    "network.partners": {"en": "Partners only", "he": "שותפים בלבד", "ar": "الشركاء فقط"},
    "network.empty": {"en": "No partners recorded yet.", "he": "עדיין לא נרשמו שותפים.", "ar": "لم يُسجَّل شركاء بعد."},
    "network.nodes": {"en": "Nodes", "he": "צמתים", "ar": "العقد"},
    "network.edges": {"en": "Links", "he": "קשרים", "ar": "الروابط"},
    "network.find": {"en": "Find a partner", "he": "חיפוש שותף", "ar": "البحث عن شريك"},
    "network.found": {"en": "Found: {n}", "he": "נמצאו: {n}", "ar": "النتائج: {n}"},
    "network.not_found": {"en": "No partner by that name", "he": "אין שותף בשם הזה", "ar": "لا يوجد شريك بهذا الاسم"},
    "network.shown": {"en": "{n} of {total} shown", "he": "מוצגים {n} מתוך {total}", "ar": "المعروض {n} من {total}"},
    "network.sectors": {"en": "Sectors", "he": "מגזרים", "ar": "القطاعات"},
    "network.field": {"en": "Field", "he": "תחום", "ar": "المجال"},
    "network.all_fields": {"en": "All fields", "he": "כל התחומים", "ar": "كل المجالات"},
    "network.zoom": {"en": "Zoom", "he": "תקריב", "ar": "التكبير"},
    "network.zoom_in": {"en": "Zoom in", "he": "הגדלה", "ar": "تكبير"},
    "network.zoom_out": {"en": "Zoom out", "he": "הקטנה", "ar": "تصغير"},
    "network.zoom_reset": {"en": "Whole picture", "he": "התמונה כולה", "ar": "الصورة كاملة"},
    "network.keys": {"en": "Drag, or Shift and the arrow keys, to move the picture; Ctrl and the wheel, or + and −, to zoom. "
                             "Tab reaches the partners, the arrow keys go from one to the next, Enter shows a profile.",
                     "he": "גרירה, או Shift ומקשי החצים, מזיזים את התמונה; Ctrl וגלגלת העכבר, או + ו־−, מגדילים ומקטינים. "
                           "Tab מגיע לשותפים, מקשי החצים עוברים מאחד לאחר, Enter מציג פרופיל.",
                     "ar": "اسحب، أو استخدم Shift مع مفاتيح الأسهم، لتحريك الصورة؛ Ctrl مع عجلة الفأرة، أو + و−، للتكبير والتصغير. "
                           "يصل Tab إلى الشركاء، وتنتقل مفاتيح الأسهم من شريك إلى آخر، ويعرض Enter الملف التعريفي."},
    "network.close": {"en": "Close", "he": "סגירה", "ar": "إغلاق"},
    "network.degree": {"en": "Partners it works with", "he": "שותפים שעובדים איתו", "ar": "الشركاء الذين يعمل معهم"},
    "network.broker": {"en": "Broker: it links parts of the network that would otherwise be apart, or stands between most of them",
                       "he": "מתווך: מחבר חלקים ברשת שאחרת היו נפרדים, או עומד בין רובם",
                       "ar": "وسيط: يربط أجزاء من الشبكة كانت ستبقى منفصلة لولاه، أو يقف بين معظمها"},
    "network.broker.short": {"en": "broker", "he": "מתווך", "ar": "وسيط"},
    "network.legend.broker": {"en": "broker (dark ring)", "he": "מתווך (טבעת כהה)", "ar": "وسيط (حلقة داكنة)"},
    "network.legend.size": {"en": "the larger the dot, the more partners it works with",
                            "he": "ככל שהנקודה גדולה יותר, כך השותף עובד עם יותר שותפים",
                            "ar": "كلما كبرت النقطة زاد عدد الشركاء الذين يعمل معهم"},
    "network.legend.other": {"en": "other or unknown sector", "he": "מגזר אחר או לא ידוע", "ar": "قطاع آخر أو غير معروف"},
    "network.legend.partnership": {"en": "partnership (square)", "he": "שותפות (ריבוע)", "ar": "شراكة (مربع)"},
    "network.hidden_labels": {"en": "Names not written at this size: {n}. Each appears when you point at its dot, find it or zoom in.",
                              "he": "שמות שאינם כתובים בגודל הזה: {n}. כל שם מופיע כשמצביעים על הנקודה שלו, מחפשים אותו או מגדילים.",
                              "ar": "أسماء غير مكتوبة بهذا الحجم: {n}. يظهر كل اسم عند الإشارة إلى نقطته أو البحث عنه أو التكبير."},
    "network.node": {"en": "{label}, {sector}, partners it works with: {n}", "he": "{label}, {sector}, שותפים שעובדים איתו: {n}",
                     "ar": "{label}، {sector}، الشركاء الذين يعمل معهم: {n}"},
    "network.partnership.node": {"en": "{label}, partnership, members: {n}", "he": "{label}, שותפות, חברים: {n}",
                                 "ar": "{label}، شراكة، الأعضاء: {n}"},
    "network.partnership": {"en": "Partnership", "he": "שותפות", "ar": "شراكة"},
    "network.partnerships": {"en": "Partnerships ({n})", "he": "שותפויות ({n})", "ar": "الشراكات ({n})"},
    "network.members": {"en": "Members ({n})", "he": "חברים ({n})", "ar": "الأعضاء ({n})"},
    "network.with": {"en": "with:", "he": "עם:", "ar": "مع:"},
    "network.alone": {"en": "no other member", "he": "אין חבר נוסף", "ar": "لا عضو آخر"},
    "network.row": {"en": "Its row in the table below", "he": "השורה שלו בטבלה למטה", "ar": "صفّه في الجدول أدناه"},
    "network.picture": {"en": "Partnership network of {label}: zoom with + and −, Tab to the partners",
                        "he": "רשת השותפויות של {label}: הגדלה עם + ו־−, Tab למעבר לשותפים",
                        "ar": "شبكة شراكات {label}: كبّر بـ + و−، وانتقل إلى الشركاء بـ Tab"},
    "col.kind": {"en": "Kind", "he": "סוג", "ar": "النوع"},
    "col.unit": {"en": "Unit", "he": "יחידת מידה", "ar": "وحدة القياس"},
    "col.per_1000": {"en": "Available per 1,000 inhabitants", "he": "זמין לכל 1,000 תושבים", "ar": "المتاح لكل 1,000 ساكن"},
    "resources.quantities": {"en": "Amounts per kind and unit: splitting a resource into parts changes none of them.",
                             "he": "כמויות לפי סוג ויחידת מידה: פיצול משאב לחלקים אינו משנה אף אחת מהן.",
                             "ar": "الكميات حسب النوع ووحدة القياس: تقسيم مورد إلى أجزاء لا يغيّر أيًّا منها."},
    "col.sector": {"en": "Sector", "he": "מגזר", "ar": "القطاع"},
    "col.fields": {"en": "Fields", "he": "תחומים", "ar": "المجالات"},
    "col.links": {"en": "Links", "he": "קשרים", "ar": "الروابط"},
    "col.partnership": {"en": "Partnership", "he": "שותפות", "ar": "الشراكة"},
    "col.between": {"en": "Between", "he": "בין", "ar": "بين"},
    # dialogue
    "dialogue.title": {"en": "{label}: stage and dialogue", "he": "{label}: שלב ודיאלוג", "ar": "{label}: المرحلة والحوار"},
    "dialogue.stage": {"en": "Current stage", "he": "השלב הנוכחי", "ar": "المرحلة الحالية"},
    "dialogue.no_stage": {"en": "The community has not recorded its stage.", "he": "הקהילה לא רשמה את שלבה.",
                          "ar": "لم يسجل المجتمع مرحلته."},
    "dialogue.questions": {"en": "The questions of this stage", "he": "השאלות של שלב זה", "ar": "أسئلة هذه المرحلة"},
    "dialogue.other": {"en": "Answers to questions of other stages", "he": "תשובות לשאלות של שלבים אחרים",
                       "ar": "إجابات عن أسئلة مراحل أخرى"},
    "dialogue.answers": {"en": "Recorded answers", "he": "תשובות שנרשמו", "ar": "الإجابات المسجلة"},
    "dialogue.unanswered": {"en": "Not answered yet.", "he": "טרם נענתה.", "ar": "لم يُجب عنه بعد."},
    "dialogue.record": {"en": "Record an answer", "he": "רישום תשובה", "ar": "تسجيل إجابة"},
    "dialogue.question": {"en": "Question", "he": "שאלה", "ar": "السؤال"},
    "dialogue.text": {"en": "Your answer", "he": "התשובה שלכם", "ar": "إجابتك"},
    "dialogue.submit": {"en": "Record the answer", "he": "רישום התשובה", "ar": "سجّل الإجابة"},
    "dialogue.recorded": {"en": "Your answer was recorded.", "he": "התשובה נרשמה.", "ar": "سُجّلت إجابتك."},
    "dialogue.none": {"en": "The framework has no dialogue questions for this stage yet.",
                      "he": "למסגרת עדיין אין שאלות דיאלוג לשלב זה.", "ar": "لا توجد في الإطار أسئلة حوار لهذه المرحلة بعد."},
    "token": {"en": "Community token", "he": "אסימון הקהילה", "ar": "رمز المجتمع"},
    "token.help": {"en": "The token the service's administrator issued to your community.",
                   "he": "האסימון שמנהל השירות הנפיק לקהילה שלכם.", "ar": "الرمز الذي أصدره مدير الخدمة لمجتمعك."},
    # upload and report
    "upload.title": {"en": "Upload a community's data", "he": "העלאת נתוני קהילה", "ar": "رفع بيانات مجتمع"},
    "upload.intro": {"en": "Send your community's partnership data as RDF (Turtle, JSON-LD, RDF/XML or N-Triples). "
                           "It is checked first: structure violations reject the whole upload and nothing is stored; "
                           "otherwise it replaces your current data and you get the criteria findings.",
                     "he": "שלחו את נתוני השותפויות של הקהילה כ-RDF (Turtle, JSON-LD, RDF/XML או N-Triples). "
                           "הנתונים נבדקים תחילה: הפרות מבנה דוחות את כל ההעלאה ודבר אינו נשמר; "
                           "אחרת הם מחליפים את הנתונים הנוכחיים ומתקבלים ממצאי הקריטריונים.",
                     "ar": "أرسل بيانات شراكات مجتمعك بصيغة RDF (Turtle أو JSON-LD أو RDF/XML أو N-Triples). "
                           "تُفحص أولا: مخالفات البنية ترفض الرفع كله ولا يُحفظ شيء؛ وإلا فإنها تحل محل بياناتك "
                           "الحالية وتحصل على ملاحظات المعايير."},
    "upload.community": {"en": "Community", "he": "קהילה", "ar": "المجتمع"},
    "upload.file": {"en": "Data file", "he": "קובץ נתונים", "ar": "ملف البيانات"},
    "upload.submit": {"en": "Check and upload", "he": "בדיקה והעלאה", "ar": "افحص وارفع"},
    "upload.dry": {"en": "Only check a file, store nothing: POST it to /validate.",
                   "he": "לבדיקה בלבד, ללא שמירה: שלחו אותו ב-POST אל ‎/validate.",
                   "ar": "للفحص فقط دون حفظ: أرسله عبر POST إلى ‎/validate."},
    "report.title": {"en": "Validation report", "he": "דוח אימות", "ar": "تقرير التحقق"},
    "report.accepted": {"en": "Accepted: the data of {community} was stored.", "he": "התקבל: הנתונים של {community} נשמרו.",
                        "ar": "مقبول: حُفظت بيانات {community}."},
    "report.conforms": {"en": "The data conforms: it would be accepted.", "he": "הנתונים תקינים: הם יתקבלו.",
                        "ar": "البيانات مطابقة: ستُقبل."},
    "report.rejected": {"en": "Rejected: nothing was stored. Fix the violations below and upload again.",
                        "he": "נדחה: דבר לא נשמר. תקנו את ההפרות שלהלן והעלו שוב.",
                        "ar": "مرفوض: لم يُحفظ شيء. صحّح المخالفات أدناه وأعد الرفع."},
    "report.version": {"en": "Version {version}, {triples} triples.", "he": "גרסה {version}, {triples} שלשות.",
                       "ar": "الإصدار {version}، {triples} ثلاثية."},
    "report.counts": {"en": "Counts by severity", "he": "ספירה לפי חומרה", "ar": "العدد حسب الخطورة"},
    "report.results": {"en": "Results by criterion and shape", "he": "תוצאות לפי קריטריון ותבנית", "ar": "النتائج حسب المعيار والشكل"},
    "report.structure": {"en": "Structure (what the data must be)", "he": "מבנה (מה הנתונים חייבים להיות)",
                         "ar": "البنية (ما يجب أن تكون عليه البيانات)"},
    "report.clean": {"en": "No findings.", "he": "אין ממצאים.", "ar": "لا ملاحظات."},
    "report.node": {"en": "Where", "he": "היכן", "ar": "أين"},
    "report.message": {"en": "What", "he": "מה", "ar": "ماذا"},
    "report.value": {"en": "Value", "he": "ערך", "ar": "القيمة"},
    "report.more": {"en": "{n} more", "he": "עוד {n}", "ar": "{n} أخرى"},
    "report.again": {"en": "Upload another file", "he": "העלאת קובץ נוסף", "ar": "رفع ملف آخر"},
    "report.community": {"en": "Go to the community", "he": "מעבר לקהילה", "ar": "الانتقال إلى المجتمع"},
    # spreadsheets (templates, and where a report's results are in an uploaded file)
    "template.title": {"en": "Spreadsheet templates", "he": "תבניות גיליון אלקטרוני", "ar": "قوالب جداول البيانات"},
    "template.intro": {"en": "Keep your data in a spreadsheet? Download the template in your language, fill it in "
                             "(its first sheet says how) and upload it here as it is: an .xlsx workbook, or CSV files in a zip.",
                       "he": "שומרים את הנתונים בגיליון אלקטרוני? הורידו את התבנית בשפה שלכם, מלאו אותה "
                             "(הגיליון הראשון מסביר איך) והעלו אותה כאן כפי שהיא: חוברת ‎.xlsx, או קובצי CSV בקובץ zip.",
                       "ar": "تحتفظ ببياناتك في جدول بيانات؟ نزّل القالب بلغتك، واملأه "
                             "(الورقة الأولى تشرح الطريقة) وارفعه هنا كما هو: مصنف ‎.xlsx، أو ملفات CSV في ملف zip."},
    "template.xlsx": {"en": "Workbook (.xlsx)", "he": "חוברת עבודה (‎.xlsx)", "ar": "مصنف (‎.xlsx)"},
    "template.zip": {"en": "CSV files (.zip)", "he": "קובצי CSV ‏(‎.zip)", "ar": "ملفات CSV ‏(‎.zip)"},
    "template.export": {"en": "To change data already uploaded, download it in the same template: /communities/{id}/data?format=xlsx.",
                        "he": "כדי לשנות נתונים שכבר הועלו, הורידו אותם באותה תבנית: ‎/communities/{id}/data?format=xlsx.",
                        "ar": "لتعديل بيانات رُفعت من قبل، نزّلها في القالب نفسه: ‎/communities/{id}/data?format=xlsx."},
    "sheet.where": {"en": "Where in your file", "he": "היכן בקובץ שלכם", "ar": "أين في ملفك"},
    "sheet.intro": {"en": "Each problem and finding at its sheet, row and column, with the value as you wrote it.",
                    "he": "כל בעיה וממצא לפי גיליון, שורה ועמודה, עם הערך כפי שכתבתם אותו.",
                    "ar": "كل مشكلة وملاحظة في ورقتها وصفها وعمودها، مع القيمة كما كتبتها."},
    "sheet.sheet": {"en": "Sheet", "he": "גיליון", "ar": "الورقة"},
    "sheet.row": {"en": "Row", "he": "שורה", "ar": "الصف"},
    "sheet.column": {"en": "Column", "he": "עמודה", "ar": "العمود"},
    "sheet.cell": {"en": "Cell", "he": "תא", "ar": "الخلية"},
    "sheet.value": {"en": "Value written", "he": "הערך שנכתב", "ar": "القيمة المكتوبة"},
    "sheet.problem": {"en": "What", "he": "מה", "ar": "ماذا"},
    "sheet.empty": {"en": "(empty)", "he": "(ריק)", "ar": "(فارغ)"},
    "sheet.more": {"en": "{n} more in the JSON report", "he": "עוד {n} בדוח ה-JSON", "ar": "{n} أخرى في تقرير JSON"},
    # queries
    "queries.title": {"en": "Named queries", "he": "שאילתות מוכנות", "ar": "الاستعلامات الجاهزة"},
    "queries.intro": {"en": "Each query answers one of the framework's questions. Open one to set its parameters and see the answer as a table.",
                      "he": "כל שאילתה עונה על אחת משאלות המסגרת. פתחו אחת כדי לקבוע פרמטרים ולראות את התשובה כטבלה.",
                      "ar": "كل استعلام يجيب عن أحد أسئلة الإطار. افتح أحدها لتحديد معاملاته ورؤية الإجابة كجدول."},
    "queries.none": {"en": "The catalogue is empty.", "he": "הקטלוג ריק.", "ar": "الفهرس فارغ."},
    "query.params": {"en": "Parameters", "he": "פרמטרים", "ar": "المعاملات"},
    "query.run": {"en": "Run the query", "he": "הרצת השאילתה", "ar": "شغّل الاستعلام"},
    "query.results": {"en": "Results", "he": "תוצאות", "ar": "النتائج"},
    "query.total": {"en": "{total} row(s); showing {first} to {last}.", "he": "{total} שורות; מוצגות {first} עד {last}.",
                    "ar": "{total} صفا؛ المعروض من {first} إلى {last}."},
    "query.empty": {"en": "No rows.", "he": "אין שורות.", "ar": "لا صفوف."},
    "query.csv": {"en": "Download as CSV", "he": "הורדה כ-CSV", "ar": "تنزيل بصيغة CSV"},
    "query.json": {"en": "as JSON", "he": "כ-JSON", "ar": "بصيغة JSON"},
    "query.next": {"en": "Next page", "he": "העמוד הבא", "ar": "الصفحة التالية"},
    "query.prev": {"en": "Previous page", "he": "העמוד הקודם", "ar": "الصفحة السابقة"},
    "query.required": {"en": "required", "he": "חובה", "ar": "مطلوب"},
    "query.optional": {"en": "optional", "he": "רשות", "ar": "اختياري"},
    "query.question": {"en": "Question", "he": "שאלה", "ar": "السؤال"},
    "query.criteria": {"en": "Criteria", "he": "קריטריונים", "ar": "المعايير"},
    "query.text": {"en": "The SPARQL", "he": "ה-SPARQL", "ar": "نص SPARQL"},
    "query.open_editor": {"en": "Open in the SPARQL editor", "he": "פתיחה בעורך SPARQL", "ar": "افتح في محرر SPARQL"},
    # sparql editor
    "sparql.title": {"en": "SPARQL editor", "he": "עורך SPARQL", "ar": "محرر SPARQL"},
    "sparql.intro": {"en": "Read-only queries over the public current graphs. The answer shows as a table below.",
                     "he": "שאילתות לקריאה בלבד על הגרפים הציבוריים הנוכחיים. התשובה מוצגת כטבלה למטה.",
                     "ar": "استعلامات للقراءة فقط على الرسوم البيانية العامة الحالية. تظهر الإجابة كجدول أدناه."},
    "sparql.query": {"en": "Query", "he": "שאילתה", "ar": "الاستعلام"},
    "sparql.examples": {"en": "Examples", "he": "דוגמאות", "ar": "أمثلة"},
    "sparql.run": {"en": "Run", "he": "הרצה", "ar": "تشغيل"},
    "sparql.shortcut": {"en": "Ctrl+Enter runs the query.", "he": "Ctrl+Enter מריץ את השאילתה.", "ar": "Ctrl+Enter يشغّل الاستعلام."},
    "sparql.running": {"en": "Running…", "he": "רץ…", "ar": "جار التشغيل…"},
    "sparql.rows": {"en": "{n} row(s)", "he": "{n} שורות", "ar": "{n} صفا"},
    "sparql.csv": {"en": "Download as CSV", "he": "הורדה כ-CSV", "ar": "تنزيل بصيغة CSV"},
    "sparql.noscript": {"en": "Without JavaScript the form sends the query and the browser shows the raw answer.",
                        "he": "ללא JavaScript הטופס שולח את השאילתה והדפדפן מציג את התשובה הגולמית.",
                        "ar": "بدون JavaScript يرسل النموذج الاستعلام ويعرض المتصفح الإجابة الخام."},
    # errors
    "error.title": {"en": "Something went wrong", "he": "משהו השתבש", "ar": "حدث خطأ ما"},
    "error.400": {"en": "The request could not be understood", "he": "לא ניתן להבין את הבקשה", "ar": "تعذر فهم الطلب"},
    "error.401": {"en": "A token is needed", "he": "נדרש אסימון", "ar": "يلزم رمز"},
    "error.403": {"en": "This token may not do that", "he": "אסימון זה אינו מורשה לכך", "ar": "هذا الرمز لا يسمح بذلك"},
    "error.404": {"en": "Not found", "he": "לא נמצא", "ar": "غير موجود"},
    "error.405": {"en": "Not allowed here", "he": "לא מותר כאן", "ar": "غير مسموح هنا"},
    "error.406": {"en": "Not available in that format", "he": "לא זמין בפורמט זה", "ar": "غير متاح بهذه الصيغة"},
    "error.409": {"en": "A conflict", "he": "התנגשות", "ar": "تعارض"},
    "error.413": {"en": "Too large", "he": "גדול מדי", "ar": "كبير جدا"},
    "error.415": {"en": "An unsupported kind of file", "he": "סוג קובץ שאינו נתמך", "ar": "نوع ملف غير مدعوم"},
    "error.422": {"en": "The data was not accepted", "he": "הנתונים לא התקבלו", "ar": "لم تُقبل البيانات"},
    "error.500": {"en": "An unexpected error (it was logged)", "he": "שגיאה לא צפויה (נרשמה)", "ar": "خطأ غير متوقع (تم تسجيله)"},
    "error.503": {"en": "The service is busy or the query took too long", "he": "השירות עמוס או שהשאילתה ארכה יותר מדי",
                  "ar": "الخدمة مشغولة أو استغرق الاستعلام وقتا طويلا"},
    "error.code": {"en": "Error code", "he": "קוד שגיאה", "ar": "رمز الخطأ"},
    "error.home": {"en": "Go to the home page", "he": "מעבר לעמוד הבית", "ar": "الانتقال إلى الصفحة الرئيسية"},
}


def translate(key: str, lang: str, **fields: Any) -> str:
    """The string for ``key`` in ``lang`` (else English, else the key), with ``{fields}`` filled in."""
    entry = STRINGS.get(key)
    text = key if entry is None else entry.get(lang) or entry.get("en") or key
    if fields:
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):
            return text
    return text


@pass_context
def _t(context: Context, key: str, **fields: Any) -> str:
    return translate(key, context.get("lang") or "en", **fields)


@pass_context
def _href(context: Context, path: str, **params: Any) -> str:
    """A link within the service that keeps the reader's language (``?lang=``) and adds ``params``."""
    lang = context.get("lang") or "en"
    query = {k: v for k, v in params.items() if v is not None}
    query.setdefault("lang", lang)
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + urlencode(query)


@pass_context
def _lang_url(context: Context, code: str) -> str:
    """The current page in another language (its other query parameters kept)."""
    request = context.get("request")
    if request is None:
        return f"?lang={code}"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", code))
    return request.url.path + "?" + urlencode(params)


def install(env: Environment) -> None:
    """Make ``t``, ``href`` and ``lang_url`` available to every template (idempotent)."""
    env.globals.setdefault("t", _t)
    env.globals.setdefault("href", _href)
    env.globals.setdefault("lang_url", _lang_url)
    env.globals.setdefault("LANG_NAMES", LANG_NAMES)
