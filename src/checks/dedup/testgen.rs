//! A small seeded generator of lead rows with known duplicates, for accuracy and scale tests.
//! It uses only std and the engine's input types (`super::{Records, …}`), so the benchmark
//! example can include this file as it is.
//!
//! People get a name (common first names, surnames from a common list or made of
//! syllables), ZIP, street address, unique email and phone, company, and often a date of
//! birth. Duplicates are copies of a person corrupted the way vendor lists differ: nicknames,
//! initials, typos and transpositions, case and accents, missing fields, another email or
//! phone, reformatted addresses and company names. Near-misses are different people who share
//! a name (elsewhere, other email and phone) or a household (same address, other first name);
//! they must not merge.

use std::collections::HashSet;

use super::{Records, Source, TextColumn};

/// SplitMix64: small, seeded, the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// Index skewed towards the start (the first is about twice as likely as average), as
    /// name frequencies are.
    pub fn skewed(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One generated row. `person` is the ground truth: rows with one person are duplicates.
#[derive(Debug, Clone, Default)]
pub struct SynthRow {
    pub source: u16,
    pub person: u32,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub postal_code: String,
    pub address: String,
    pub email: String,
    pub phone: String,
    pub date_of_birth: String,
    pub captured_at: i64,
}

const FIRST: &[(&str, &[&str])] = &[
    ("james", &["jim", "jimmy", "jamie"]),
    ("mary", &["molly", "polly"]),
    ("robert", &["bob", "bobby", "rob"]),
    ("patricia", &["pat", "patty", "trish"]),
    ("john", &["jack", "johnny"]),
    ("jennifer", &["jen", "jenny"]),
    ("michael", &["mike", "mikey"]),
    ("linda", &[]),
    ("david", &["dave", "davey"]),
    ("elizabeth", &["liz", "beth", "betty", "lizzie"]),
    ("william", &["bill", "will", "billy"]),
    ("barbara", &["barb", "babs"]),
    ("richard", &["rick", "dick", "rich"]),
    ("susan", &["sue", "susie"]),
    ("joseph", &["joe", "joey"]),
    ("jessica", &["jess", "jessie"]),
    ("thomas", &["tom", "tommy"]),
    ("sarah", &["sally", "sadie"]),
    ("charles", &["charlie", "chuck"]),
    ("karen", &[]),
    ("christopher", &["chris", "kit"]),
    ("lisa", &[]),
    ("daniel", &["dan", "danny"]),
    ("nancy", &["nan"]),
    ("matthew", &["matt"]),
    ("betty", &[]),
    ("anthony", &["tony"]),
    ("margaret", &["peggy", "maggie", "meg"]),
    ("mark", &[]),
    ("sandra", &["sandy"]),
    ("donald", &["don", "donnie"]),
    ("ashley", &[]),
    ("steven", &["steve"]),
    ("kimberly", &["kim"]),
    ("paul", &[]),
    ("emily", &["em", "emmy"]),
    ("andrew", &["andy", "drew"]),
    ("donna", &[]),
    ("joshua", &["josh"]),
    ("michelle", &["shelly"]),
    ("kenneth", &["ken", "kenny"]),
    ("carol", &[]),
    ("kevin", &[]),
    ("amanda", &["mandy"]),
    ("brian", &[]),
    ("melissa", &["missy", "mel"]),
    ("george", &[]),
    ("deborah", &["deb", "debbie"]),
    ("timothy", &["tim", "timmy"]),
    ("stephanie", &["steph"]),
    ("ronald", &["ron", "ronnie"]),
    ("rebecca", &["becky", "becca"]),
    ("edward", &["ed", "eddie", "ted"]),
    ("sharon", &[]),
    ("jason", &[]),
    ("laura", &[]),
    ("jeffrey", &["jeff"]),
    ("cynthia", &["cindy"]),
    ("ryan", &[]),
    ("kathleen", &["kathy", "kate"]),
    ("jacob", &["jake"]),
    ("amy", &[]),
    ("gary", &[]),
    ("angela", &["angie"]),
    ("nicholas", &["nick"]),
    ("shirley", &[]),
    ("eric", &[]),
    ("anna", &["annie"]),
    ("jonathan", &["jon"]),
    ("brenda", &[]),
    ("stephen", &["steve"]),
    ("pamela", &["pam"]),
    ("larry", &[]),
    ("emma", &[]),
    ("justin", &[]),
    ("nicole", &["nikki"]),
    ("scott", &[]),
    ("helen", &[]),
    ("brandon", &[]),
    ("samantha", &["sam"]),
    ("benjamin", &["ben", "benny"]),
    ("katherine", &["kate", "kathy", "katie"]),
    ("samuel", &["sam"]),
    ("christine", &[]),
    ("gregory", &["greg"]),
    ("debra", &[]),
    ("alexander", &["alex"]),
    ("rachel", &[]),
    ("frank", &[]),
    ("carolyn", &[]),
    ("patrick", &["pat"]),
    ("janet", &[]),
    ("raymond", &["ray"]),
    ("maria", &[]),
    ("jack", &[]),
    ("olivia", &["liv"]),
    ("dennis", &[]),
    ("heather", &[]),
    ("jerry", &[]),
    ("diane", &[]),
    ("josé", &[]),
    ("zoë", &[]),
    ("françois", &[]),
    ("björn", &[]),
];

const LAST: &[&str] = &[
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "white",
    "harris",
    "sanchez",
    "clark",
    "ramirez",
    "lewis",
    "robinson",
    "walker",
    "young",
    "allen",
    "king",
    "wright",
    "scott",
    "torres",
    "nguyen",
    "hill",
    "flores",
    "green",
    "adams",
    "nelson",
    "baker",
    "hall",
    "rivera",
    "campbell",
    "mitchell",
    "carter",
    "roberts",
    "gomez",
    "phillips",
    "evans",
    "turner",
    "diaz",
    "parker",
    "cruz",
    "edwards",
    "collins",
    "reyes",
    "stewart",
    "morris",
    "morales",
    "murphy",
    "cook",
    "rogers",
    "gutierrez",
    "ortiz",
    "morgan",
    "cooper",
    "peterson",
    "bailey",
    "reed",
    "kelly",
    "howard",
    "ramos",
    "kim",
    "cox",
    "ward",
    "richardson",
    "watson",
    "brooks",
    "chavez",
    "wood",
    "james",
    "bennett",
    "gray",
    "mendoza",
    "ruiz",
    "hughes",
    "price",
    "alvarez",
    "castillo",
    "sanders",
    "patel",
    "myers",
    "long",
    "ross",
    "foster",
    "jimenez",
    "o'brien",
    "mcdonald",
    "garcía-lópez",
    "van der berg",
    "müller",
    "schmidt",
    "nowak",
];

const SYLLABLES: &[&str] = &[
    "bar", "ber", "bro", "cal", "dan", "del", "dor", "fal", "fen", "gar", "gil", "har", "hol",
    "kan", "kel", "kor", "lan", "lin", "mar", "mel", "mor", "nal", "nor", "ost", "pal", "per",
    "ran", "rig", "sal", "sel", "son", "tal", "ter", "ton", "val", "ver", "wal", "wen", "zim",
    "ley", "ton", "ford", "field", "berg", "man", "ski", "ez", "ini",
];

const STREETS: &[&str] = &[
    "Main",
    "Oak",
    "Pine",
    "Maple",
    "Cedar",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Sunset",
    "Lincoln",
    "Jackson",
    "Church",
    "River",
    "Highland",
    "Franklin",
    "Walnut",
    "Spring",
    "Meadow",
    "Forest",
    "Ridge",
    "Adams",
    "Madison",
    "Jefferson",
    "Cherry",
    "Willow",
];

const STREET_TYPES: &[(&str, &str)] = &[
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Road", "Rd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Boulevard", "Blvd"),
    ("Court", "Ct"),
];

/// Company names are `<first> <second>`: 40 × 40 names.
const COMPANY_FIRST: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Wonka",
    "Tyrell",
    "Aperture",
    "Massive",
    "Gringotts",
    "Oscorp",
    "Pied Piper",
    "Dunder",
    "Prestige",
    "Bluth",
    "Sterling",
    "Nakatomi",
    "Blue Sky",
    "Red Rock",
    "Silver",
    "Golden",
    "Pacific",
    "Atlantic",
    "Summit",
    "Pioneer",
    "Northern",
    "Evergreen",
    "Granite",
    "Harbor",
    "Liberty",
    "Keystone",
    "Redwood",
    "Cobalt",
    "Falcon",
    "Orion",
];

const COMPANY_SECOND: &[&str] = &[
    "Industries",
    "Systems",
    "Labs",
    "Dynamics",
    "Logistics",
    "Foods",
    "Analytics",
    "Capital",
    "Partners",
    "Holdings",
    "Software",
    "Robotics",
    "Energy",
    "Health",
    "Media",
    "Consulting",
    "Solutions",
    "Networks",
    "Ventures",
    "Works",
    "Motors",
    "Textiles",
    "Pharma",
    "Telecom",
    "Insurance",
    "Realty",
    "Airlines",
    "Brewing",
    "Bakery",
    "Outfitters",
    "Studios",
    "Devices",
    "Materials",
    "Chemicals",
    "Marine",
    "Security",
    "Travel",
    "Finance",
    "Design",
    "Supply",
];

const LEGAL: &[&str] = &[
    "Inc", "Inc.", "LLC", "Ltd", "Corp", "Co.", "GmbH", "S.A.", "",
];

const FREE_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "aol.com",
];

struct Person {
    first: usize,
    last: String,
    company: (usize, usize),
    postal: String,
    number: u32,
    street: usize,
    street_type: usize,
    email: String,
    phone: String,
    dob: String,
}

/// Generates `people` distinct people, then `duplicates` extra rows copying one of them
/// (corrupted), and `near_misses` distinct people built to look like existing ones.
/// Rows are shuffled and spread over `sources` sources.
pub struct Generator {
    rng: Rng,
    people: Vec<Person>,
    emails: HashSet<String>,
    phones: HashSet<String>,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: Rng::new(seed),
            people: Vec::new(),
            emails: HashSet::new(),
            phones: HashSet::new(),
        }
    }

    fn surname(&mut self) -> String {
        if self.rng.chance(0.6) {
            LAST[self.rng.skewed(LAST.len())].to_string()
        } else {
            let n = 2 + self.rng.below(2);
            (0..n).map(|_| self.rng.pick(SYLLABLES)).collect()
        }
    }

    fn register_email(&mut self, mut local: String, domain: &str) -> String {
        while self.emails.contains(&format!("{local}@{domain}")) {
            local.push_str(&self.rng.below(10).to_string());
        }
        let email = format!("{local}@{domain}");
        self.emails.insert(email.clone());
        email
    }

    fn unique_email(&mut self, first: &str, last: &str) -> String {
        let first = ascii(first);
        let last: String = ascii(last)
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect();
        let domain = if self.rng.chance(0.7) {
            self.rng.pick(FREE_DOMAINS).to_string()
        } else {
            let company = self.rng.pick(COMPANY_FIRST).to_lowercase().replace(' ', "");
            format!("{company}{}.com", self.rng.below(100))
        };
        let local = match self.rng.below(4) {
            0 => format!("{first}.{last}"),
            1 => format!("{}{last}", &first[..1]),
            2 => format!("{first}{last}{}", self.rng.below(100)),
            _ => format!("{first}_{}", &last[..last.len().min(4)]),
        };
        self.register_email(local, &domain)
    }

    fn unique_phone(&mut self) -> String {
        loop {
            let phone = format!(
                "+1{}{:02}{:07}",
                2 + self.rng.below(8),
                self.rng.below(100),
                self.rng.below(10_000_000)
            );
            if self.phones.insert(phone.clone()) {
                return phone;
            }
        }
    }

    fn person(&mut self, first: usize, last: String, postal: Option<String>) -> Person {
        let postal = postal.unwrap_or_else(|| format!("{:05}", 1000 + self.rng.below(30_000) * 3));
        let email = self.unique_email(FIRST[first].0, &last);
        let phone = self.unique_phone();
        let dob = if self.rng.chance(0.6) {
            format!(
                "{}-{:02}-{:02}",
                1950 + self.rng.below(50),
                1 + self.rng.below(12),
                1 + self.rng.below(28)
            )
        } else {
            String::new()
        };
        Person {
            first,
            last,
            company: (
                self.rng.below(COMPANY_FIRST.len()),
                self.rng.below(COMPANY_SECOND.len()),
            ),
            postal,
            number: 1 + self.rng.below(9999) as u32,
            street: self.rng.below(STREETS.len()),
            street_type: self.rng.below(STREET_TYPES.len()),
            email,
            phone,
            dob,
        }
    }

    fn new_person(&mut self) -> Person {
        let first = self.rng.skewed(FIRST.len());
        let last = self.surname();
        self.person(first, last, None)
    }

    /// A different person with the same name as an existing one, living elsewhere.
    fn namesake(&mut self, of: usize) -> Person {
        let (first, last) = (self.people[of].first, self.people[of].last.clone());
        self.person(first, last, None)
    }

    /// A relative of an existing person: same surname and address, another first name.
    fn household_member(&mut self, of: usize) -> Person {
        let mut first = self.rng.skewed(FIRST.len());
        while first == self.people[of].first {
            first = self.rng.below(FIRST.len());
        }
        let last = self.people[of].last.clone();
        let postal = self.people[of].postal.clone();
        let mut p = self.person(first, last, Some(postal));
        p.number = self.people[of].number;
        p.street = self.people[of].street;
        p.street_type = self.people[of].street_type;
        p
    }

    fn clean_row(&mut self, id: usize) -> SynthRow {
        let p = &self.people[id];
        let (long, _) = STREET_TYPES[p.street_type];
        SynthRow {
            source: 0,
            person: id as u32,
            first_name: title(FIRST[p.first].0),
            last_name: title(&p.last),
            company: format!("{} {}", company_name(p.company), LEGAL[id % LEGAL.len()])
                .trim()
                .to_string(),
            postal_code: p.postal.clone(),
            address: format!("{} {} {}", p.number, STREETS[p.street], long),
            email: p.email.clone(),
            phone: p.phone.clone(),
            date_of_birth: p.dob.clone(),
            captured_at: 1_600_000_000 + self.rng.below(100_000_000) as i64,
        }
    }

    /// A copy of person `id` with the differences vendor lists have.
    fn duplicate_row(&mut self, id: usize) -> SynthRow {
        let mut row = self.clean_row(id);
        let (first, nicknames) = FIRST[self.people[id].first];
        let r = &mut self.rng;
        let u = r.below(100);
        row.first_name = if u < 20 && !nicknames.is_empty() {
            title(r.pick(nicknames))
        } else if u < 25 {
            format!("{}.", first[..1].to_uppercase())
        } else if u < 37 {
            title(&typo(r, first))
        } else if u < 42 {
            first.to_uppercase()
        } else {
            row.first_name
        };
        let u = r.below(100);
        if u < 12 {
            row.last_name = title(&typo(r, &row.last_name.to_lowercase()));
        } else if u < 17 {
            row.last_name = row.last_name.to_uppercase();
        } else if u < 20 {
            row.last_name = ascii(&row.last_name);
        }
        let u = r.below(100);
        if u < 20 {
            row.email.clear();
        } else if u < 30 {
            let (local, domain) = row.email.split_once('@').unwrap_or(("x", "example.com"));
            row.email = format!("{}@{domain}", typo(r, local));
        } else if u < 50 {
            let local = row.email.split('@').next().unwrap_or("x").to_string();
            let local = format!("{local}{}", r.below(100));
            let domain = r.pick(FREE_DOMAINS);
            row.email = self.register_email(local, domain);
        }
        let r = &mut self.rng;
        let u = r.below(100);
        if u < 20 {
            row.phone.clear();
        } else if u < 30 {
            row.phone = typo_digit(r, &row.phone);
        } else if u < 55 {
            row.phone = self.unique_phone();
        }
        let r = &mut self.rng;
        let u = r.below(100);
        if u < 10 {
            row.postal_code.clear();
        } else if u < 15 {
            row.postal_code = typo_digit(r, &row.postal_code);
        } else if u < 25 {
            row.postal_code = format!("{}-{:04}", row.postal_code, r.below(10_000));
        }
        let u = r.below(100);
        if u < 20 {
            row.address.clear();
        } else if u < 60 {
            let p = &self.people[id];
            let (_, short) = STREET_TYPES[p.street_type];
            row.address = format!("{} {} {}.", p.number, STREETS[p.street], short);
        }
        let r = &mut self.rng;
        if r.chance(0.15) {
            row.date_of_birth.clear();
        }
        if r.chance(0.3) {
            row.company = company_name(self.people[id].company).to_uppercase();
        } else if r.chance(0.1) {
            row.company.clear();
        }
        row
    }

    /// Builds the rows: `people` people, `duplicates` corrupted copies, `namesakes` people
    /// sharing a name with someone, `households` relatives sharing an address.
    pub fn rows(
        &mut self,
        people: usize,
        duplicates: usize,
        namesakes: usize,
        households: usize,
        sources: u16,
    ) -> Vec<SynthRow> {
        for _ in 0..people {
            let p = self.new_person();
            self.people.push(p);
        }
        for _ in 0..namesakes {
            let of = self.rng.below(people);
            let p = self.namesake(of);
            self.people.push(p);
        }
        for _ in 0..households {
            let of = self.rng.below(people);
            let p = self.household_member(of);
            self.people.push(p);
        }
        let mut rows: Vec<SynthRow> = (0..self.people.len()).map(|i| self.clean_row(i)).collect();
        for _ in 0..duplicates {
            let of = self.rng.below(self.people.len());
            let row = self.duplicate_row(of);
            rows.push(row);
        }
        for i in (1..rows.len()).rev() {
            let j = self.rng.below(i + 1);
            rows.swap(i, j);
        }
        for row in &mut rows {
            row.source = self.rng.below(sources.max(1) as usize) as u16;
        }
        rows
    }
}

fn company_name((first, second): (usize, usize)) -> String {
    format!("{} {}", COMPANY_FIRST[first], COMPANY_SECOND[second])
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphabetic();
    }
    out
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            'Á' => 'A',
            'Ö' => 'O',
            'Ü' => 'U',
            'É' => 'E',
            other => other,
        })
        .collect()
}

/// One keyboard-style error: substitution, deletion, insertion or adjacent transposition,
/// never in the first letter.
fn typo(r: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 3 {
        return s.to_string();
    }
    let i = 1 + r.below(chars.len() - 1);
    let letter = (b'a' + r.below(26) as u8) as char;
    match r.below(4) {
        0 => chars[i] = letter,
        1 => {
            chars.remove(i);
        }
        2 => chars.insert(i, letter),
        _ => {
            let j = if i + 1 < chars.len() { i + 1 } else { i - 1 };
            chars.swap(i, j);
        }
    }
    chars.into_iter().collect()
}

/// One wrong digit (not the first character).
fn typo_digit(r: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let digits: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return s.to_string();
    }
    let i = digits[r.below(digits.len())];
    let old = chars[i];
    while chars[i] == old {
        chars[i] = (b'0' + r.below(10) as u8) as char;
    }
    chars.into_iter().collect()
}

/// Engine input from generated rows; `row` numbers count per source from 1, and
/// completeness counts the non-blank fields.
pub fn records(rows: &[SynthRow], sources: Vec<Source>) -> Records {
    let mut next_row = vec![0u32; sources.len()];
    let row = rows
        .iter()
        .map(|r| {
            next_row[r.source as usize] += 1;
            next_row[r.source as usize]
        })
        .collect();
    let column =
        |f: fn(&SynthRow) -> &str| TextColumn::from_values(rows.iter().map(|r| Some(f(r))));
    Records {
        sources,
        source: rows.iter().map(|r| r.source).collect(),
        row,
        completeness: rows
            .iter()
            .map(|r| {
                [
                    &r.first_name,
                    &r.last_name,
                    &r.company,
                    &r.postal_code,
                    &r.address,
                    &r.email,
                    &r.phone,
                    &r.date_of_birth,
                ]
                .iter()
                .filter(|v| !v.is_empty())
                .count() as u16
            })
            .collect(),
        captured_at: rows.iter().map(|r| Some(r.captured_at)).collect(),
        first_name: column(|r| &r.first_name),
        last_name: column(|r| &r.last_name),
        company: column(|r| &r.company),
        postal_code: column(|r| &r.postal_code),
        address: column(|r| &r.address),
        email: column(|r| &r.email),
        phone: column(|r| &r.phone),
        date_of_birth: column(|r| &r.date_of_birth),
        // No role addresses unless a caller marks them (`Records::mark_shared_mailboxes`).
        shared_mailbox: vec![false; rows.len()],
    }
}

/// Pairwise precision, recall and F1 of clusters (row lists) against the `person` labels.
pub fn pairwise<'a>(
    rows: &[SynthRow],
    clusters: impl Iterator<Item = &'a [u32]>,
) -> (f64, f64, f64) {
    use std::collections::HashMap;
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let mut truth: HashMap<u32, u64> = HashMap::new();
    for r in rows {
        *truth.entry(r.person).or_default() += 1;
    }
    let truth_pairs: u64 = truth.values().map(|&n| pairs(n)).sum();
    let (mut predicted, mut correct) = (0, 0);
    for members in clusters {
        predicted += pairs(members.len() as u64);
        let mut by_person: HashMap<u32, u64> = HashMap::new();
        for &m in members {
            *by_person.entry(rows[m as usize].person).or_default() += 1;
        }
        correct += by_person.values().map(|&n| pairs(n)).sum::<u64>();
    }
    let precision = correct as f64 / predicted.max(1) as f64;
    let recall = correct as f64 / truth_pairs.max(1) as f64;
    (
        precision,
        recall,
        2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE),
    )
}
