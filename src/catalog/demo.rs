//! The demo catalogue loaded into an empty database: Russian products from several sellers
//! and warehouses, generated from a fixed seed so every install looks the same.
//!
//! Every product is a distinct brand, model and variant (no two share a title); its weight is
//! what such a thing weighs (the stated mass of dumbbells and kettlebells plus packaging), and
//! its picture ([`picture`]) is a drawing of its kind in its colour.

use super::normalize;
use crate::db::{Db, new_id};

/// A tiny deterministic generator (64-bit LCG): demo data needs repeatability, not quality.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const CATEGORIES: &[(&str, &str, &str)] = &[
    ("electronics", "Электроника", "Electronics"),
    ("appliances", "Бытовая техника", "Appliances"),
    ("clothes", "Одежда", "Clothes"),
    ("shoes", "Обувь", "Shoes"),
    ("home", "Дом и сад", "Home and garden"),
    ("kids", "Детские товары", "Kids"),
    ("books", "Книги", "Books"),
    ("sport", "Спорт и отдых", "Sport"),
];

/// (seller, [(warehouse city, lead days)]).
const SELLERS: &[(&str, &[(&str, i64)])] = &[
    ("ТехноМир", &[("Москва", 1), ("Новосибирск", 4)]),
    ("Уютный дом", &[("Подольск", 2)]),
    ("Модная линия", &[("Санкт-Петербург", 2), ("Казань", 3)]),
    ("Книжная лавка", &[("Москва", 1)]),
    ("СпортМастерская", &[("Екатеринбург", 3)]),
];

/// How many products the demo catalogue has.
pub const PRODUCTS: usize = 240;

/// What a product picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Phone,
    Headphones,
    Laptop,
    Kettle,
    Washer,
    Vacuum,
    TShirt,
    Jacket,
    Jeans,
    Sneaker,
    Boot,
    Pot,
    Bauble,
    Blanket,
    Brick,
    Stroller,
    Book,
    Dumbbell,
    Kettlebell,
    Bicycle,
    Mat,
    /// Anything else: a parcel box.
    Parcel,
}

/// How a kind's title reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// «Смартфон Samsung Galaxy A55, 8/256 ГБ, синий».
    Goods,
    /// ««Мастер и Маргарита», Михаил Булгаков, твёрдый переплёт».
    Novel,
    /// «Учебник «Биология. 7 класс», Просвещение».
    Textbook,
}

#[derive(Debug, Clone, Copy)]
enum Weight {
    /// What one weighs, grams (packed).
    Range(i64, i64),
    /// The mass the title states (2 × 10 кг) plus packaging between these, grams.
    Stated(i64, i64),
}

/// One kind of goods: every product of a kind is a distinct (model, option, colour).
struct Kind {
    category: &'static str,
    /// The word the title starts with; for novels only the search knows it.
    noun: &'static str,
    shape: Shape,
    style: Style,
    seller: usize,
    /// (brand, model, price in roubles of the first option).
    models: &'static [(&'static str, &'static str, i64)],
    /// The priced choice (attribute name, [(value, price in % of the first)]): memory, size…
    options: (&'static str, &'static [(&'static str, i64)]),
    /// The second choice, price-neutral: usually the colour, agreeing with the noun.
    colours: (&'static str, &'static [&'static str]),
    weight: Weight,
    /// Packed size, millimetres.
    size_mm: (i64, i64, i64),
    blurb: &'static str,
}

const NO_OPTION: (&str, &[(&str, i64)]) = ("", &[("", 100)]);
const NO_COLOUR: (&str, &[&str]) = ("", &[""]);

const KINDS: &[Kind] = &[
    Kind {
        category: "electronics",
        noun: "Смартфон",
        shape: Shape::Phone,
        style: Style::Goods,
        seller: 0,
        models: &[
            ("Samsung", "Galaxy A35", 27_990),
            ("Samsung", "Galaxy A55", 36_990),
            ("Samsung", "Galaxy S24", 69_990),
            ("Xiaomi", "Redmi Note 13", 17_990),
            ("Xiaomi", "14T", 49_990),
            ("realme", "C67", 12_990),
            ("realme", "12 Pro+", 31_990),
            ("HONOR", "X8b", 16_990),
            ("HONOR", "200", 37_990),
        ],
        options: ("Память", &[("8/128 ГБ", 100), ("8/256 ГБ", 113)]),
        colours: (
            "Цвет",
            &["чёрный", "синий", "зелёный", "белый", "фиолетовый"],
        ),
        weight: Weight::Range(175, 215),
        size_mm: (175, 95, 55),
        blurb: "Яркий экран, ёмкий аккумулятор и быстрая зарядка; две SIM-карты и NFC для оплаты.",
    },
    Kind {
        category: "electronics",
        noun: "Наушники беспроводные",
        shape: Shape::Headphones,
        style: Style::Goods,
        seller: 0,
        models: &[
            ("JBL", "Tune 520BT", 3_990),
            ("JBL", "Live 770NC", 10_990),
            ("Sony", "WH-CH520", 4_990),
            ("Sony", "WH-1000XM5", 32_990),
            ("Huawei", "FreeBuds Studio", 14_990),
            ("Marshall", "Major IV", 12_990),
        ],
        options: NO_OPTION,
        colours: ("Цвет", &["чёрные", "белые", "синие", "бежевые"]),
        weight: Weight::Range(280, 420),
        size_mm: (210, 190, 80),
        blurb: "Полноразмерные, Bluetooth 5.3, до 50 часов без подзарядки, складываются в чехол.",
    },
    Kind {
        category: "electronics",
        noun: "Ноутбук",
        shape: Shape::Laptop,
        style: Style::Goods,
        seller: 0,
        models: &[
            ("ASUS", "VivoBook 15", 45_990),
            ("ASUS", "Zenbook 14 OLED", 89_990),
            ("Lenovo", "IdeaPad Slim 3", 42_990),
            ("Lenovo", "ThinkPad E14", 79_990),
            ("HUAWEI", "MateBook D 16", 64_990),
            ("HONOR", "MagicBook X 14", 49_990),
        ],
        options: (
            "Конфигурация",
            &[
                ("Intel Core i5, 16/512 ГБ", 100),
                ("Intel Core i7, 16/1024 ГБ", 128),
            ],
        ),
        colours: ("Цвет", &["серый", "серебристый"]),
        weight: Weight::Range(1_900, 2_700),
        size_mm: (420, 290, 75),
        blurb: "Тонкий алюминиевый корпус, IPS-экран, клавиатура с подсветкой, Wi-Fi 6.",
    },
    Kind {
        category: "appliances",
        noun: "Чайник электрический",
        shape: Shape::Kettle,
        style: Style::Goods,
        seller: 0,
        models: &[
            ("Bosch", "TWK3A011", 3_490),
            ("Polaris", "PWK 1803C", 2_490),
            ("Tefal", "Element KI2801", 3_990),
            ("Xiaomi", "Mi Smart Kettle 2", 3_990),
            ("Kitfort", "КТ-6140", 2_790),
            ("Redmond", "RK-G127", 2_990),
        ],
        options: ("Объём", &[("1,7 л", 100), ("1,5 л", 95)]),
        colours: ("Цвет", &["белый", "чёрный", "стальной"]),
        weight: Weight::Range(1_100, 1_700),
        size_mm: (260, 210, 250),
        blurb: "Мощность 2200 Вт, скрытый нагревательный элемент, автоотключение и защита от включения без воды.",
    },
    Kind {
        category: "appliances",
        noun: "Стиральная машина",
        shape: Shape::Washer,
        style: Style::Goods,
        seller: 0,
        models: &[
            ("LG", "AI DD", 36_990),
            ("Haier", "Slim", 27_990),
            ("Indesit", "Innex", 21_990),
            ("Samsung", "EcoBubble", 39_990),
            ("Bosch", "Serie 4", 44_990),
        ],
        options: (
            "Загрузка",
            &[
                ("загрузка 6 кг", 100),
                ("загрузка 7 кг", 110),
                ("загрузка 8 кг", 121),
            ],
        ),
        colours: ("Цвет", &["белая", "серебристая"]),
        weight: Weight::Range(56_000, 69_000),
        size_mm: (850, 600, 480),
        blurb: "Инверторный мотор, 1200 об/мин, паровая обработка, защита от протечек. Доставка до двери.",
    },
    Kind {
        category: "appliances",
        noun: "Пылесос вертикальный",
        shape: Shape::Vacuum,
        style: Style::Goods,
        seller: 0,
        models: &[
            ("Dyson", "V12 Detect Slim", 54_990),
            ("Dreame", "T20", 24_990),
            ("Xiaomi", "Vacuum Cleaner G10", 19_990),
            ("Tefal", "X-Force Flex 8.60", 21_990),
            ("Kitfort", "КТ-5118", 8_990),
        ],
        options: NO_OPTION,
        colours: ("Цвет", &["серый", "фиолетовый", "белый", "красный"]),
        weight: Weight::Range(3_600, 5_200),
        size_mm: (720, 280, 220),
        blurb: "Беспроводной, до 60 минут работы, циклонный фильтр и насадка для мебели в комплекте.",
    },
    Kind {
        category: "clothes",
        noun: "Футболка",
        shape: Shape::TShirt,
        style: Style::Goods,
        seller: 2,
        models: &[
            ("Befree", "оверсайз", 1_299),
            ("Gloria Jeans", "базовая", 599),
            ("O'STIN", "с принтом", 999),
            ("Love Republic", "укороченная", 1_499),
            ("Lime", "хлопковая", 2_499),
        ],
        options: NO_OPTION,
        colours: (
            "Цвет",
            &["белая", "чёрная", "серая", "бежевая", "голубая", "розовая"],
        ),
        weight: Weight::Range(160, 260),
        size_mm: (300, 240, 30),
        blurb: "100 % хлопок, круглый вырез; размеры от XS до XXL.",
    },
    Kind {
        category: "clothes",
        noun: "Куртка зимняя",
        shape: Shape::Jacket,
        style: Style::Goods,
        seller: 2,
        models: &[
            ("Finn Flare", "с капюшоном", 12_990),
            ("Zolla", "удлинённая", 6_999),
            ("O'STIN", "пуховая", 9_999),
            ("Gloria Jeans", "стёганая", 4_999),
            ("Sela", "утеплённая", 5_999),
        ],
        options: NO_OPTION,
        colours: (
            "Цвет",
            &["чёрная", "тёмно-синяя", "бежевая", "хаки", "бордовая"],
        ),
        weight: Weight::Range(1_100, 1_900),
        size_mm: (420, 320, 110),
        blurb: "Держит тепло до −25 °C, ветрозащитная ткань, два кармана на молнии.",
    },
    Kind {
        category: "clothes",
        noun: "Джинсы",
        shape: Shape::Jeans,
        style: Style::Goods,
        seller: 2,
        models: &[
            ("Levi's", "501 Original", 8_990),
            ("Levi's", "511 Slim", 7_990),
            ("Gloria Jeans", "прямые", 1_999),
            ("O'STIN", "скинни", 2_499),
            ("Colin's", "мом", 2_999),
            ("Befree", "широкие", 2_799),
        ],
        options: NO_OPTION,
        colours: ("Цвет", &["синие", "голубые", "чёрные", "серые"]),
        weight: Weight::Range(550, 850),
        size_mm: (350, 280, 50),
        blurb: "Плотный деним с эластаном, пять карманов; длина по внутреннему шву 32″.",
    },
    Kind {
        category: "shoes",
        noun: "Кроссовки",
        shape: Shape::Sneaker,
        style: Style::Goods,
        seller: 2,
        models: &[
            ("Nike", "Air Max 90", 14_990),
            ("Nike", "Revolution 7", 6_990),
            ("Adidas", "Runfalcon 3.0", 5_990),
            ("Adidas", "Samba OG", 12_990),
            ("Puma", "Smash v2", 5_490),
            ("Demix", "Spirit", 2_999),
            ("New Balance", "574", 11_990),
        ],
        options: NO_OPTION,
        colours: ("Цвет", &["белые", "чёрные", "серые", "синие"]),
        weight: Weight::Range(850, 1_250),
        size_mm: (330, 220, 120),
        blurb: "Лёгкая амортизирующая подошва, дышащий верх из сетки; размеры 36–46.",
    },
    Kind {
        category: "shoes",
        noun: "Ботинки",
        shape: Shape::Boot,
        style: Style::Goods,
        seller: 2,
        models: &[
            ("Ralf Ringer", "зимние", 9_990),
            ("ECCO", "Track 25", 19_990),
            ("Rieker", "демисезонные", 8_490),
            ("Timberland", "6-Inch Premium", 21_990),
            ("Thomas Munz", "челси", 6_990),
        ],
        options: NO_OPTION,
        colours: ("Цвет", &["чёрные", "коричневые", "бежевые"]),
        weight: Weight::Range(1_400, 2_100),
        size_mm: (340, 250, 140),
        blurb: "Натуральная кожа, нескользящая подошва, мембрана от промокания.",
    },
    Kind {
        category: "home",
        noun: "Набор кастрюль",
        shape: Shape::Pot,
        style: Style::Goods,
        seller: 1,
        models: &[
            ("Rondell", "Vintage", 5_990),
            ("Tefal", "Intuition", 6_990),
            ("GIPFEL", "Omega", 4_990),
            ("Нева Металл Посуда", "Классика", 3_490),
            ("Vitesse", "Royal", 4_490),
        ],
        options: (
            "Комплектация",
            &[
                ("3 предмета", 100),
                ("4 предмета", 125),
                ("6 предметов", 165),
            ],
        ),
        colours: NO_COLOUR,
        weight: Weight::Range(2_800, 6_200),
        size_mm: (450, 300, 250),
        blurb: "Нержавеющая сталь, капсульное дно для всех плит, включая индукционные; стеклянные крышки.",
    },
    Kind {
        category: "home",
        noun: "Ёлочные игрушки",
        shape: Shape::Bauble,
        style: Style::Goods,
        seller: 1,
        models: &[
            ("Зимнее волшебство", "«Снежная королева»", 1_290),
            ("Зимнее волшебство", "«Классика»", 899),
            ("Snowmen", "«Винтаж»", 1_490),
            ("Snowmen", "«Звёздная ночь»", 1_190),
            ("Новогодняя сказка", "«Морозные узоры»", 990),
        ],
        options: ("Набор", &[("шары 6 шт", 100), ("шары 12 шт", 170)]),
        colours: ("Цвет", &["красные", "золотые", "синие", "серебристые"]),
        weight: Weight::Range(420, 900),
        size_mm: (300, 200, 100),
        blurb: "Стеклянные шары ручной росписи диаметром 8 см, каждый в отдельной ячейке.",
    },
    Kind {
        category: "home",
        noun: "Плед",
        shape: Shape::Blanket,
        style: Style::Goods,
        seller: 1,
        models: &[
            ("Этель", "флисовый", 1_290),
            ("Cleo", "велсофт", 1_590),
            ("Togas", "шерстяной", 5_990),
            ("Sofi de Marko", "вязаный", 4_490),
            ("Arya", "хлопковый", 2_990),
        ],
        options: ("Размер", &[("150×200", 100), ("200×220", 130)]),
        colours: ("Цвет", &["серый", "бежевый", "зелёный", "бордовый"]),
        weight: Weight::Range(800, 1_600),
        size_mm: (400, 300, 120),
        blurb: "Мягкий и тёплый, не линяет и не скатывается после стирки при 30 °C.",
    },
    Kind {
        category: "kids",
        noun: "Конструктор",
        shape: Shape::Brick,
        style: Style::Goods,
        seller: 1,
        models: &[
            ("LEGO City", "«Пожарная часть», 509 деталей", 8_990),
            ("LEGO City", "«Полицейский участок», 668 деталей", 9_990),
            (
                "LEGO Technic",
                "«Гоночный автомобиль», 1 036 деталей",
                11_990,
            ),
            ("LEGO Friends", "«Кафе в парке», 312 деталей", 4_490),
            ("LEGO Creator", "«Домик у озера», 564 детали", 6_990),
            ("LEGO Duplo", "«Ферма», 42 детали", 3_990),
            ("Cobi", "«Танк Т-34», 668 деталей", 5_490),
            ("Sluban", "«Пожарная машина», 280 деталей", 1_990),
            ("Банда умников", "«Электрознатоки», 180 деталей", 2_490),
            ("Mould King", "«Экскаватор», 1 830 деталей", 7_990),
            ("Qman", "«Космическая станция», 435 деталей", 2_290),
            ("LEGO Ninjago", "«Дракон Ллойда», 747 деталей", 8_490),
        ],
        options: NO_OPTION,
        colours: NO_COLOUR,
        weight: Weight::Range(450, 1_600),
        size_mm: (380, 260, 70),
        blurb: "Совместим с другими наборами, иллюстрированная инструкция на русском языке.",
    },
    Kind {
        category: "kids",
        noun: "Коляска прогулочная",
        shape: Shape::Stroller,
        style: Style::Goods,
        seller: 1,
        models: &[
            ("Happy Baby", "Umma", 15_990),
            ("Babyton", "Cosmo", 8_990),
            ("Yoya", "Plus Max", 11_990),
            ("Valco Baby", "Snap 4", 29_990),
            ("Chicco", "Goody Plus", 34_990),
        ],
        options: NO_OPTION,
        colours: ("Цвет", &["серая", "бежевая", "чёрная", "зелёная"]),
        weight: Weight::Range(6_800, 9_400),
        size_mm: (850, 450, 300),
        blurb: "Складывается одной рукой, спинка опускается до лежачего положения, дождевик в комплекте.",
    },
    Kind {
        category: "books",
        noun: "Роман",
        shape: Shape::Book,
        style: Style::Novel,
        seller: 3,
        models: &[
            ("Михаил Булгаков", "Мастер и Маргарита", 549),
            ("Лев Толстой", "Война и мир", 1_290),
            ("Фёдор Достоевский", "Преступление и наказание", 499),
            ("Александр Пушкин", "Евгений Онегин", 399),
            ("Михаил Лермонтов", "Герой нашего времени", 349),
            ("Иван Гончаров", "Обломов", 449),
            ("Иван Тургенев", "Отцы и дети", 349),
            ("Илья Ильф, Евгений Петров", "Двенадцать стульев", 499),
            ("Борис Пастернак", "Доктор Живаго", 699),
            ("Михаил Шолохов", "Тихий Дон", 990),
        ],
        options: (
            "Переплёт",
            &[("твёрдый переплёт", 100), ("мягкая обложка", 60)],
        ),
        colours: NO_COLOUR,
        weight: Weight::Range(250, 700),
        size_mm: (210, 140, 35),
        blurb: "Полный текст без сокращений, офсетная бумага.",
    },
    Kind {
        category: "books",
        noun: "Учебник",
        shape: Shape::Book,
        style: Style::Textbook,
        seller: 3,
        models: &[
            ("Просвещение", "Русский язык", 890),
            ("Просвещение", "Английский язык", 990),
            ("Просвещение", "История России", 790),
            ("Дрофа", "Биология", 750),
            ("Дрофа", "География", 690),
            ("Дрофа", "Литература", 820),
        ],
        options: (
            "Класс",
            &[("6 класс", 100), ("7 класс", 104), ("8 класс", 108)],
        ),
        colours: NO_COLOUR,
        weight: Weight::Range(380, 620),
        size_mm: (260, 200, 15),
        blurb: "Соответствует ФГОС, входит в федеральный перечень учебников.",
    },
    Kind {
        category: "sport",
        noun: "Гантели",
        shape: Shape::Dumbbell,
        style: Style::Goods,
        seller: 4,
        models: &[
            ("Torneo", "неопреновые", 990),
            ("Demix", "виниловые", 890),
            ("Starfit", "обрезиненные", 1_190),
            ("Bradex", "хромированные", 1_490),
        ],
        options: (
            "Комплект",
            &[
                ("2 × 1 кг", 100),
                ("2 × 2 кг", 150),
                ("2 × 3 кг", 200),
                ("2 × 5 кг", 300),
                ("2 × 8 кг", 450),
                ("2 × 10 кг", 550),
            ],
        ),
        colours: NO_COLOUR,
        weight: Weight::Stated(200, 600),
        size_mm: (340, 200, 120),
        blurb: "Пара гантелей с удобной рукояткой, не скатываются с пола.",
    },
    Kind {
        category: "sport",
        noun: "Гиря",
        shape: Shape::Kettlebell,
        style: Style::Goods,
        seller: 4,
        models: &[
            ("Demix", "чугунная", 1_790),
            ("Torneo", "обрезиненная", 2_190),
            ("Titan", "соревновательная", 3_490),
        ],
        options: (
            "Вес гири",
            &[
                ("8 кг", 100),
                ("12 кг", 135),
                ("16 кг", 170),
                ("20 кг", 210),
                ("24 кг", 250),
            ],
        ),
        colours: NO_COLOUR,
        weight: Weight::Stated(100, 300),
        size_mm: (250, 200, 300),
        blurb: "Литой корпус, широкая гладкая ручка, плоское основание.",
    },
    Kind {
        category: "sport",
        noun: "Велосипед",
        shape: Shape::Bicycle,
        style: Style::Goods,
        seller: 4,
        models: &[
            ("Stels", "Navigator 700", 24_990),
            ("Forward", "Sporting 29", 29_990),
            ("Merida", "Big.Nine 20", 59_990),
            ("Format", "1414", 42_990),
            ("Stark", "Router 27.2", 27_990),
        ],
        options: ("Рама", &[("рама 17″", 100), ("рама 19″", 102)]),
        colours: ("Цвет", &["чёрный", "синий", "красный", "зелёный"]),
        weight: Weight::Range(14_500, 17_500),
        size_mm: (1_400, 750, 200),
        blurb: "Алюминиевая рама, 21 скорость, дисковые тормоза; собран на 85 %, руль и педали ставятся за 10 минут.",
    },
    Kind {
        category: "sport",
        noun: "Коврик для йоги",
        shape: Shape::Mat,
        style: Style::Goods,
        seller: 4,
        models: &[
            ("Demix", "TPE", 1_290),
            ("Torneo", "PVC", 990),
            ("Starfit", "FM-101", 1_490),
            ("Bradex", "нескользящий", 1_690),
        ],
        options: ("Толщина", &[("4 мм", 100), ("6 мм", 115), ("8 мм", 130)]),
        colours: (
            "Цвет",
            &["фиолетовый", "зелёный", "синий", "розовый", "серый"],
        ),
        weight: Weight::Range(700, 1_300),
        size_mm: (620, 150, 150),
        blurb: "183 × 61 см, не скользит по полу и под ладонями, ремешок для переноски.",
    },
];

/// A generated product, before it is stored.
#[derive(Debug, Clone)]
pub struct DemoProduct {
    pub category: &'static str,
    pub seller: usize,
    /// Index into the seller's warehouses.
    pub warehouse: usize,
    pub title: String,
    pub description: String,
    /// Kopecks.
    pub price: i64,
    pub old_price: Option<i64>,
    pub weight_g: i64,
    pub size_mm: (i64, i64, i64),
    pub stock: i64,
    /// A JSON object.
    pub attributes: String,
    /// More words the search finds (the kind's noun, the brand).
    pub search_extra: String,
    pub shape: Shape,
}

/// Roubles as shops write them: «38 990», «599».
fn shop_price(rub: i64) -> i64 {
    if rub >= 1_000 {
        ((rub + 50) / 100 * 100 - 10).max(990)
    } else {
        ((rub + 5) / 10 * 10 - 1).max(99)
    }
}

/// The mass a text states, in grams: «2 × 10 кг» is 20 000, «16 кг» 16 000, «500 г» 500.
/// Only the part after the last comma-separated word run before «кг»/«г» counts.
pub fn stated_mass_g(text: &str) -> Option<i64> {
    for part in text.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let unit = match words.last() {
            Some(&"кг") => 1_000.0,
            Some(&"г") => 1.0,
            _ => continue,
        };
        let mut factors = Vec::new();
        for w in words[..words.len() - 1].iter().rev() {
            if *w == "×" || *w == "x" {
                continue;
            }
            match w.replace(',', ".").parse::<f64>() {
                Ok(v) => factors.push(v),
                Err(_) => break,
            }
        }
        if !factors.is_empty() {
            return Some((factors.iter().product::<f64>() * unit).round() as i64);
        }
    }
    None
}

fn title_of(kind: &Kind, brand: &str, model: &str, option: &str, colour: &str) -> String {
    let mut parts: Vec<String> = match kind.style {
        Style::Goods => vec![format!("{} {brand} {model}", kind.noun)],
        Style::Novel => vec![format!("«{model}»"), brand.to_owned()],
        Style::Textbook => vec![
            format!("{} «{model}. {option}»", kind.noun),
            brand.to_owned(),
        ],
    };
    if kind.style != Style::Textbook && !option.is_empty() {
        parts.push(option.to_owned());
    }
    if !colour.is_empty() {
        parts.push(colour.to_owned());
    }
    parts.join(", ")
}

/// The demo catalogue: [`PRODUCTS`] products, the kinds taking turns (so every page of the
/// catalogue is a mix), each a distinct combination of model, option and colour.
pub fn products() -> Vec<DemoProduct> {
    let mut rng = Lcg(20_261_122);
    // Per kind: the combinations not taken yet, by model, in a fixed shuffled order.
    let mut left: Vec<Vec<Vec<(usize, usize)>>> = KINDS
        .iter()
        .map(|k| {
            (0..k.models.len())
                .map(|_| {
                    let mut combos: Vec<(usize, usize)> = (0..k.options.1.len())
                        .flat_map(|o| (0..k.colours.1.len()).map(move |c| (o, c)))
                        .collect();
                    for i in (1..combos.len()).rev() {
                        combos.swap(i, (rng.next() % (i as u64 + 1)) as usize);
                    }
                    combos
                })
                .collect()
        })
        .collect();
    let mut turn = vec![0usize; KINDS.len()];
    let mut out = Vec::with_capacity(PRODUCTS);
    for n in 0..PRODUCTS {
        let k = n % KINDS.len();
        let kind = &KINDS[k];
        // The models take turns too; one whose combinations ran out is skipped.
        let models = kind.models.len();
        let m = (0..models)
            .map(|i| (turn[k] + i) % models)
            .find(|m| !left[k][*m].is_empty())
            .expect("each kind has enough combinations for its share");
        turn[k] = m + 1;
        let (o, c) = left[k][m].pop().expect("not empty");
        let (brand, model, base) = kind.models[m];
        let (option, percent) = kind.options.1[o];
        let colour = kind.colours.1[c];
        let title = title_of(kind, brand, model, option, colour);
        let price_rub = shop_price(base * percent * rng.range(96, 104) / 10_000);
        let old_price =
            (rng.range(0, 2) == 0).then(|| shop_price(price_rub * rng.range(115, 140) / 100) * 100);
        let stated = stated_mass_g(&title);
        let weight_g = match (kind.weight, stated) {
            (Weight::Stated(lo, hi), Some(mass)) => mass + rng.range(lo, hi),
            (Weight::Stated(lo, hi), None) | (Weight::Range(lo, hi), _) => rng.range(lo, hi),
        };
        // Heavier sets come in bigger boxes.
        let scale = match (kind.weight, stated) {
            (Weight::Stated(..), Some(mass)) => (mass as f64 / 10_000.0).cbrt().clamp(0.6, 1.3),
            _ => 1.0,
        };
        let mut side = |mm: i64| (mm as f64 * scale) as i64 * rng.range(95, 105) / 100;
        let size_mm = (
            side(kind.size_mm.0),
            side(kind.size_mm.1),
            side(kind.size_mm.2),
        );
        // Large goods (appliances, bicycles, strollers): a warehouse keeps fewer of them.
        let bulky = weight_g > 5_000 && matches!(kind.weight, Weight::Range(..));
        let stock = if n % 37 == 0 {
            1
        } else if bulky {
            rng.range(3, 30)
        } else {
            rng.range(4, 120)
        };
        let warehouses = SELLERS[kind.seller].1;
        let warehouse = (rng.next() % warehouses.len() as u64) as usize;
        let mut attributes = serde_json::Map::new();
        let mut put = |k: &str, v: &str| {
            if !k.is_empty() && !v.is_empty() {
                attributes.insert(k.to_owned(), v.into());
            }
        };
        match kind.style {
            Style::Goods => put("Бренд", brand),
            Style::Novel => {
                put("Автор", brand);
                put("Жанр", "роман");
                const PUBLISHERS: &[&str] = &["Эксмо", "АСТ", "Азбука"];
                let publisher = *rng.pick(PUBLISHERS);
                put("Издательство", publisher);
            }
            Style::Textbook => put("Издательство", brand),
        }
        put(kind.options.0, option);
        put(kind.colours.0, colour);
        out.push(DemoProduct {
            category: kind.category,
            seller: kind.seller,
            warehouse,
            // Seller and origin have their own lines on the product page.
            description: kind.blurb.to_owned(),
            title,
            price: price_rub * 100,
            old_price,
            weight_g,
            size_mm,
            stock,
            attributes: serde_json::Value::Object(attributes).to_string(),
            search_extra: format!("{} {brand}", kind.noun),
            shape: kind.shape,
        });
    }
    out
}

/// Fills an empty catalogue: 8 categories, 5 sellers with 7 warehouses, 240 products.
pub async fn seed(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    use crate::products::store;
    if store::count(db).await? > 0 {
        return Ok(());
    }
    let mut tx = crate::db::begin_write(db).await?;
    for (i, (id, ru, en)) in CATEGORIES.iter().enumerate() {
        store::insert_category(&mut tx, id, ru, en, i as i64).await?;
    }
    // (seller id, [warehouse id])
    let mut sellers = Vec::new();
    for (name, warehouses) in SELLERS {
        let seller_id = new_id();
        store::insert_seller(&mut tx, &seller_id, name).await?;
        let mut ws = Vec::new();
        for (city, lead) in *warehouses {
            let wid = new_id();
            let warehouse = format!("Склад «{name}», {city}");
            store::insert_warehouse(&mut tx, &wid, &seller_id, &warehouse, city, *lead).await?;
            ws.push(wid);
        }
        sellers.push((seller_id, ws));
    }
    let category_name = |id: &str| CATEGORIES.iter().find(|c| c.0 == id).map_or("", |c| c.1);
    for p in products() {
        let (seller_id, warehouses) = &sellers[p.seller];
        let search = normalize(&format!(
            "{} {} {} {}",
            p.title,
            p.search_extra,
            category_name(p.category),
            SELLERS[p.seller].0
        ));
        let row = store::NewRow {
            id: &new_id(),
            seller_id,
            origin_id: &warehouses[p.warehouse],
            category_id: p.category,
            title: &p.title,
            description: &p.description,
            price: p.price,
            old_price: p.old_price,
            weight_g: p.weight_g,
            dims_mm: [p.size_mm.0, p.size_mm.1, p.size_mm.2],
            stock: p.stock,
            attributes: &p.attributes,
            search_text: &search,
            created_at: now,
        };
        store::insert(&mut tx, &row).await?;
    }
    tx.commit().await
}

// ---- pictures ---------------------------------------------------------------------------------

/// Which drawing fits a product: by the words of its title (so an imported «Смартфон …» is a
/// phone too), else by its category, else a parcel box.
pub fn shape_for(title: &str, category_id: &str) -> Shape {
    const WORDS: &[(&str, Shape)] = &[
        ("смартфон", Shape::Phone),
        ("телефон", Shape::Phone),
        ("наушник", Shape::Headphones),
        ("ноутбук", Shape::Laptop),
        ("чайник", Shape::Kettle),
        ("самовар", Shape::Kettle),
        ("стиральн", Shape::Washer),
        ("пылесос", Shape::Vacuum),
        ("футболк", Shape::TShirt),
        ("майк", Shape::TShirt),
        ("лонгслив", Shape::TShirt),
        ("куртк", Shape::Jacket),
        ("пуховик", Shape::Jacket),
        ("ветровк", Shape::Jacket),
        ("джинс", Shape::Jeans),
        ("брюк", Shape::Jeans),
        ("кроссовк", Shape::Sneaker),
        ("кеды", Shape::Sneaker),
        ("ботин", Shape::Boot),
        ("сапог", Shape::Boot),
        ("сапоги", Shape::Boot),
        ("кастрюл", Shape::Pot),
        ("сковород", Shape::Pot),
        ("елочн", Shape::Bauble),
        ("плед", Shape::Blanket),
        ("одеял", Shape::Blanket),
        ("покрывал", Shape::Blanket),
        ("конструктор", Shape::Brick),
        ("коляск", Shape::Stroller),
        ("книга", Shape::Book),
        ("учебник", Shape::Book),
        ("роман", Shape::Book),
        ("гантел", Shape::Dumbbell),
        ("штанг", Shape::Dumbbell),
        ("велосипед", Shape::Bicycle),
        ("коврик", Shape::Mat),
    ];
    let text = normalize(title);
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word == "гиря" || word == "гири" {
            return Shape::Kettlebell;
        }
        if let Some((_, shape)) = WORDS.iter().find(|(stem, _)| word.starts_with(stem)) {
            return *shape;
        }
    }
    match category_id {
        "electronics" => Shape::Phone,
        "appliances" => Shape::Kettle,
        "clothes" => Shape::TShirt,
        "shoes" => Shape::Sneaker,
        "home" => Shape::Blanket,
        "kids" => Shape::Brick,
        "books" => Shape::Book,
        "sport" => Shape::Dumbbell,
        _ => Shape::Parcel,
    }
}

/// A colour as hue (degrees), saturation and lightness (per cent).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Hsl(i64, i64, i64);

impl Hsl {
    fn css(self) -> String {
        format!("hsl({},{}%,{}%)", self.0, self.1, self.2)
    }
    fn lighter(self, by: i64) -> Hsl {
        Hsl(self.0, self.1, (self.2 + by).clamp(0, 97))
    }
    fn darker(self, by: i64) -> Hsl {
        // Light colours get a clearly visible outline; dark ones a darker one.
        let by = if self.2 > 80 { by + 25 } else { by };
        Hsl(self.0, self.1, (self.2 - by).clamp(6, 100))
    }
}

/// The colour a title names («чёрный», «тёмно-синяя», «серебристые»…), if any.
fn named_colour(title: &str) -> Option<Hsl> {
    const COLOURS: &[(&str, Hsl)] = &[
        ("черн", Hsl(220, 8, 17)),
        ("бел", Hsl(210, 10, 96)),
        ("син", Hsl(218, 62, 44)),
        ("голуб", Hsl(200, 65, 68)),
        ("красн", Hsl(356, 70, 48)),
        ("зелен", Hsl(145, 40, 40)),
        ("сер", Hsl(215, 7, 58)),
        ("серебрист", Hsl(210, 8, 80)),
        ("стальн", Hsl(205, 9, 70)),
        ("розов", Hsl(340, 70, 78)),
        ("бежев", Hsl(35, 40, 78)),
        ("желт", Hsl(48, 90, 58)),
        ("фиолетов", Hsl(270, 45, 52)),
        ("оранжев", Hsl(25, 90, 55)),
        ("коричнев", Hsl(25, 45, 30)),
        ("бордов", Hsl(345, 60, 28)),
        ("золот", Hsl(43, 75, 52)),
        ("хаки", Hsl(75, 22, 38)),
    ];
    const ENDINGS: &[&str] = &["ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", ""];
    let text = normalize(title);
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '-') {
        // «тёмно-синяя»: the last part names the colour, «тёмно» darkens it.
        let (dark, word) = match word.rsplit_once('-') {
            Some((first, last)) => (first == "темно", last),
            None => (false, word),
        };
        for (stem, colour) in COLOURS {
            let Some(ending) = word.strip_prefix(stem) else {
                continue;
            };
            if (ending.is_empty() && *stem != "хаки") || !ENDINGS.contains(&ending) {
                continue;
            }
            return Some(if dark {
                Hsl(colour.0, colour.1, colour.2 * 2 / 3)
            } else {
                *colour
            });
        }
    }
    None
}

/// A stable number from a text (FNV-1a): the same product always gets the same colour.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The colour of a product without a colour in its title: one of the kind's usual ones.
fn usual_colour(shape: Shape, h: u64) -> Hsl {
    let palette: &[Hsl] = match shape {
        Shape::Phone => &[
            Hsl(220, 10, 26),
            Hsl(225, 45, 32),
            Hsl(160, 32, 62),
            Hsl(265, 38, 72),
            Hsl(210, 10, 82),
        ],
        Shape::Laptop => &[Hsl(210, 8, 78), Hsl(220, 8, 42), Hsl(215, 28, 46)],
        Shape::Washer => &[Hsl(210, 10, 96), Hsl(210, 8, 82)],
        Shape::Jeans => &[Hsl(215, 50, 40), Hsl(210, 45, 62), Hsl(220, 10, 22)],
        Shape::Pot => &[Hsl(205, 9, 74), Hsl(12, 60, 45), Hsl(220, 10, 30)],
        Shape::Dumbbell | Shape::Kettlebell => &[
            Hsl(220, 8, 22),
            Hsl(200, 60, 45),
            Hsl(350, 60, 50),
            Hsl(90, 40, 45),
            Hsl(35, 80, 55),
        ],
        Shape::Parcel => &[Hsl(33, 45, 62)],
        _ => &[],
    };
    if palette.is_empty() {
        Hsl(
            (h % 360) as i64,
            45 + (h / 360 % 20) as i64,
            48 + (h / 7_200 % 12) as i64,
        )
    } else {
        palette[(h % palette.len() as u64) as usize]
    }
}

/// A picture for a product, drawn as SVG: its kind ([`shape_for`]) in its colour — the one
/// its title names, else one of the kind's usual colours picked by the title.
pub fn picture(title: &str, category_id: &str) -> String {
    let shape = shape_for(title, category_id);
    let h = hash(title);
    let main = named_colour(title).unwrap_or_else(|| usual_colour(shape, h));
    // The background: a pale tint of the object's hue (of the title's, for greys), darker
    // behind white things so they stand out.
    let bg_hue = if main.1 >= 15 {
        main.0
    } else {
        (h / 13 % 360) as i64
    };
    let bg = if main.2 > 85 {
        Hsl(bg_hue, 30, 86)
    } else {
        Hsl(bg_hue, 45, 94)
    };
    let (c, d, l) = (main.css(), main.darker(18).css(), main.lighter(18).css());
    let body = draw(shape, &c, &d, &l, stated_mass_g(title));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 240\">\
         <defs><radialGradient id=\"shine\" cx=\"0.35\" cy=\"0.3\" r=\"0.8\">\
         <stop offset=\"0\" stop-color=\"{l}\"/><stop offset=\"0.55\" stop-color=\"{c}\"/>\
         <stop offset=\"1\" stop-color=\"{d}\"/></radialGradient></defs>\
         <rect width=\"240\" height=\"240\" rx=\"24\" fill=\"{}\"/>\
         <ellipse cx=\"120\" cy=\"214\" rx=\"86\" ry=\"7\" fill=\"#000\" opacity=\".07\"/>{body}</svg>",
        bg.css()
    )
}

/// The drawing of a shape: `c` its colour, `d` a darker and `l` a lighter one. The mass the
/// title states shows on weights: a kettlebell carries its kilograms, heavier dumbbells have
/// bigger plates.
fn draw(shape: Shape, c: &str, d: &str, l: &str, mass_g: Option<i64>) -> String {
    let line = format!("stroke=\"{d}\" stroke-width=\"3\" stroke-linejoin=\"round\"");
    match shape {
        Shape::Phone => format!(
            "<rect x=\"78\" y=\"24\" width=\"84\" height=\"180\" rx=\"16\" fill=\"{c}\" {line}/>\
             <rect x=\"86\" y=\"38\" width=\"68\" height=\"154\" rx=\"7\" fill=\"#17212e\"/>\
             <path d=\"M86 150 Q120 120 154 138 V185 Q154 192 147 192 H93 Q86 192 86 185 Z\" fill=\"{l}\" opacity=\".55\"/>\
             <rect x=\"94\" y=\"48\" width=\"12\" height=\"12\" rx=\"3\" fill=\"#fff\" opacity=\".5\"/>\
             <rect x=\"114\" y=\"48\" width=\"12\" height=\"12\" rx=\"3\" fill=\"#fff\" opacity=\".5\"/>\
             <rect x=\"134\" y=\"48\" width=\"12\" height=\"12\" rx=\"3\" fill=\"#fff\" opacity=\".5\"/>\
             <circle cx=\"120\" cy=\"31\" r=\"2.5\" fill=\"{d}\"/>"
        ),
        Shape::Headphones => format!(
            "<path d=\"M60 140 V116 A60 60 0 0 1 180 116 V140\" fill=\"none\" stroke=\"{d}\" stroke-width=\"14\" stroke-linecap=\"round\"/>\
             <path d=\"M60 140 V116 A60 60 0 0 1 180 116 V140\" fill=\"none\" stroke=\"{c}\" stroke-width=\"8\" stroke-linecap=\"round\"/>\
             <rect x=\"36\" y=\"122\" width=\"38\" height=\"72\" rx=\"17\" fill=\"{c}\" {line}/>\
             <rect x=\"166\" y=\"122\" width=\"38\" height=\"72\" rx=\"17\" fill=\"{c}\" {line}/>\
             <rect x=\"66\" y=\"130\" width=\"14\" height=\"56\" rx=\"7\" fill=\"{d}\"/>\
             <rect x=\"160\" y=\"130\" width=\"14\" height=\"56\" rx=\"7\" fill=\"{d}\"/>"
        ),
        Shape::Laptop => format!(
            "<rect x=\"44\" y=\"48\" width=\"152\" height=\"104\" rx=\"8\" fill=\"{d}\"/>\
             <rect x=\"52\" y=\"56\" width=\"136\" height=\"88\" rx=\"3\" fill=\"#dfeaf5\"/>\
             <path d=\"M52 144 L120 84 L188 130 V144 Z\" fill=\"{l}\" opacity=\".7\"/>\
             <path d=\"M24 156 H216 L224 172 Q224 180 216 180 H24 Q16 180 16 172 Z\" fill=\"{c}\" {line}/>\
             <rect x=\"100\" y=\"156\" width=\"40\" height=\"6\" rx=\"3\" fill=\"{d}\" opacity=\".6\"/>"
        ),
        Shape::Kettle => format!(
            "<path d=\"M150 96 Q198 98 192 142 Q188 178 160 184\" fill=\"none\" stroke=\"{d}\" stroke-width=\"13\" stroke-linecap=\"round\"/>\
             <path d=\"M88 108 L44 86 L50 78 L94 94 Z\" fill=\"{c}\" {line}/>\
             <path d=\"M86 90 Q120 76 154 90 L166 192 H74 Z\" fill=\"{c}\" {line}/>\
             <ellipse cx=\"120\" cy=\"88\" rx=\"34\" ry=\"8\" fill=\"{l}\" {line}/>\
             <rect x=\"111\" y=\"70\" width=\"18\" height=\"12\" rx=\"5\" fill=\"{d}\"/>\
             <rect x=\"100\" y=\"112\" width=\"11\" height=\"58\" rx=\"5\" fill=\"#cfe6f7\" stroke=\"{d}\" stroke-width=\"1.5\"/>\
             <rect x=\"64\" y=\"190\" width=\"112\" height=\"16\" rx=\"6\" fill=\"{d}\"/>"
        ),
        Shape::Washer => format!(
            "<rect x=\"52\" y=\"28\" width=\"136\" height=\"182\" rx=\"12\" fill=\"{c}\" {line}/>\
             <line x1=\"52\" y1=\"62\" x2=\"188\" y2=\"62\" stroke=\"{d}\" stroke-width=\"2\"/>\
             <rect x=\"62\" y=\"38\" width=\"42\" height=\"14\" rx=\"3\" fill=\"{d}\" opacity=\".35\"/>\
             <rect x=\"118\" y=\"40\" width=\"26\" height=\"10\" rx=\"2\" fill=\"#2b3a4a\"/>\
             <circle cx=\"166\" cy=\"45\" r=\"9\" fill=\"{l}\" {line}/>\
             <circle cx=\"120\" cy=\"134\" r=\"52\" fill=\"{d}\"/>\
             <circle cx=\"120\" cy=\"134\" r=\"39\" fill=\"#bcd7ec\" stroke=\"#8fb3cf\" stroke-width=\"4\"/>\
             <path d=\"M96 120 Q108 106 128 110\" stroke=\"#fff\" stroke-width=\"6\" fill=\"none\" stroke-linecap=\"round\" opacity=\".75\"/>"
        ),
        Shape::Vacuum => format!(
            "<line x1=\"146\" y1=\"96\" x2=\"112\" y2=\"186\" stroke=\"#7d8691\" stroke-width=\"9\" stroke-linecap=\"round\"/>\
             <path d=\"M150 26 Q176 24 178 44 L172 60\" fill=\"none\" stroke=\"{d}\" stroke-width=\"10\" stroke-linecap=\"round\"/>\
             <rect x=\"128\" y=\"40\" width=\"42\" height=\"62\" rx=\"16\" fill=\"{c}\" {line} transform=\"rotate(18 149 71)\"/>\
             <rect x=\"112\" y=\"70\" width=\"22\" height=\"40\" rx=\"9\" fill=\"#d9e6f0\" stroke=\"{d}\" stroke-width=\"2\" transform=\"rotate(18 123 90)\"/>\
             <rect x=\"66\" y=\"182\" width=\"92\" height=\"22\" rx=\"9\" fill=\"{c}\" {line}/>\
             <rect x=\"72\" y=\"200\" width=\"80\" height=\"5\" rx=\"2\" fill=\"{d}\"/>"
        ),
        Shape::TShirt => format!(
            "<path d=\"M88 34 L54 46 L22 86 L52 110 L70 94 V208 H170 V94 L188 110 L218 86 L186 46 L152 34 Q120 62 88 34 Z\" fill=\"{c}\" {line}/>\
             <path d=\"M88 34 Q120 62 152 34\" fill=\"none\" stroke=\"{d}\" stroke-width=\"6\"/>\
             <path d=\"M70 100 V208 M170 100 V208\" stroke=\"{d}\" stroke-width=\"1.5\" opacity=\".5\"/>"
        ),
        Shape::Jacket => format!(
            "<path d=\"M92 30 Q120 4 148 30 Q120 50 92 30 Z\" fill=\"{d}\"/>\
             <path d=\"M90 30 L58 42 Q44 48 42 66 L30 194 H62 L72 100 V212 H168 V100 L178 194 H210 L198 66 Q196 48 182 42 L150 30 Q120 52 90 30 Z\" fill=\"{c}\" {line}/>\
             <path d=\"M72 124 H168 M72 154 H168 M72 184 H168 M38 120 H70 M170 120 H202 M34 158 H67 M173 158 H206\" stroke=\"{d}\" stroke-width=\"2\" opacity=\".45\"/>\
             <line x1=\"120\" y1=\"44\" x2=\"120\" y2=\"212\" stroke=\"{d}\" stroke-width=\"3\"/>\
             <path d=\"M84 168 L100 164 M156 168 L140 164\" stroke=\"{d}\" stroke-width=\"3\" stroke-linecap=\"round\"/>"
        ),
        Shape::Jeans => format!(
            "<path d=\"M70 28 H170 L180 212 H132 L120 98 L108 212 H60 Z\" fill=\"{c}\" {line}/>\
             <rect x=\"70\" y=\"28\" width=\"100\" height=\"14\" fill=\"{d}\" opacity=\".55\"/>\
             <path d=\"M80 42 Q84 70 106 68 M160 42 Q156 70 134 68\" stroke=\"{l}\" stroke-width=\"2\" fill=\"none\" stroke-dasharray=\"4 3\"/>\
             <path d=\"M120 42 V92\" stroke=\"{d}\" stroke-width=\"2\"/>\
             <path d=\"M64 198 H106 M134 198 H178\" stroke=\"{l}\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\
             <circle cx=\"120\" cy=\"35\" r=\"3\" fill=\"#c9a24a\"/>"
        ),
        Shape::Sneaker => format!(
            "<path d=\"M30 152 L36 104 Q60 106 80 88 L102 84 Q126 118 180 128 Q212 134 214 156 Z\" fill=\"{c}\" {line}/>\
             <path d=\"M22 150 H216 Q222 168 208 178 H34 Q16 176 22 150 Z\" fill=\"#f4f4f2\" {line}/>\
             <path d=\"M102 96 L116 90 M110 105 L124 98 M118 114 L132 107\" stroke=\"{l}\" stroke-width=\"4\" stroke-linecap=\"round\"/>\
             <path d=\"M56 140 Q118 116 186 140\" fill=\"none\" stroke=\"{l}\" stroke-width=\"7\" stroke-linecap=\"round\"/>\
             <path d=\"M26 166 H212\" stroke=\"{d}\" stroke-width=\"2\" opacity=\".4\"/>"
        ),
        Shape::Boot => format!(
            "<path d=\"M64 32 H134 L138 126 Q190 134 208 160 V180 H58 V120 Z\" fill=\"{c}\" {line}/>\
             <rect x=\"52\" y=\"178\" width=\"162\" height=\"20\" rx=\"6\" fill=\"{d}\"/>\
             <rect x=\"60\" y=\"32\" width=\"78\" height=\"12\" rx=\"4\" fill=\"{d}\" opacity=\".6\"/>\
             <path d=\"M122 54 L140 62 M122 72 L140 80 M122 90 L140 98 M122 108 L140 116\" stroke=\"{l}\" stroke-width=\"4\" stroke-linecap=\"round\"/>\
             <path d=\"M58 160 H206\" stroke=\"{d}\" stroke-width=\"2\" stroke-dasharray=\"5 4\" opacity=\".6\"/>"
        ),
        Shape::Pot => format!(
            "<rect x=\"26\" y=\"110\" width=\"34\" height=\"14\" rx=\"7\" fill=\"{d}\"/>\
             <rect x=\"180\" y=\"110\" width=\"34\" height=\"14\" rx=\"7\" fill=\"{d}\"/>\
             <rect x=\"56\" y=\"98\" width=\"128\" height=\"98\" rx=\"12\" fill=\"{c}\" {line}/>\
             <path d=\"M54 96 Q120 54 186 96 Z\" fill=\"{l}\" {line}/>\
             <rect x=\"108\" y=\"60\" width=\"24\" height=\"14\" rx=\"6\" fill=\"{d}\"/>\
             <rect x=\"48\" y=\"94\" width=\"144\" height=\"10\" rx=\"5\" fill=\"{d}\"/>\
             <rect x=\"70\" y=\"114\" width=\"11\" height=\"68\" rx=\"5\" fill=\"#fff\" opacity=\".28\"/>"
        ),
        Shape::Bauble => "<path d=\"M120 30 Q106 18 120 10 Q134 18 120 30\" fill=\"none\" stroke=\"#a8862a\" stroke-width=\"3\"/>\
             <circle cx=\"120\" cy=\"130\" r=\"78\" fill=\"url(#shine)\"/>\
             <rect x=\"104\" y=\"28\" width=\"32\" height=\"24\" rx=\"5\" fill=\"#d4af37\" stroke=\"#a8862a\" stroke-width=\"2\"/>\
             <path d=\"M46 118 Q120 146 194 118\" fill=\"none\" stroke=\"#fff\" stroke-width=\"6\" opacity=\".7\"/>\
             <path d=\"M50 150 Q120 176 190 150\" fill=\"none\" stroke=\"#fff\" stroke-width=\"3\" opacity=\".55\" stroke-dasharray=\"2 8\" stroke-linecap=\"round\"/>\
             <path d=\"M120 84 l6 12 13 2 -9 9 2 13 -12 -6 -12 6 2 -13 -9 -9 13 -2 z\" fill=\"#fff\" opacity=\".8\"/>\
             <ellipse cx=\"88\" cy=\"96\" rx=\"13\" ry=\"22\" fill=\"#fff\" opacity=\".35\" transform=\"rotate(35 88 96)\"/>"
            .to_owned(),
        Shape::Blanket => format!(
            "<rect x=\"34\" y=\"118\" width=\"172\" height=\"74\" rx=\"16\" fill=\"{c}\" {line}/>\
             <rect x=\"34\" y=\"76\" width=\"172\" height=\"54\" rx=\"16\" fill=\"{c}\" {line}/>\
             <path d=\"M78 78 V190 M120 78 V190 M162 78 V190\" stroke=\"{l}\" stroke-width=\"8\" opacity=\".55\"/>\
             <path d=\"M36 104 H204 M36 150 H204 M36 174 H204\" stroke=\"{d}\" stroke-width=\"5\" opacity=\".35\"/>\
             <path d=\"M206 132 l8 3 M206 142 l8 3 M206 152 l8 3 M206 162 l8 3 M206 172 l8 3\" stroke=\"{d}\" stroke-width=\"3\" stroke-linecap=\"round\"/>"
        ),
        Shape::Brick => {
            let studs: String = [48, 88, 128, 168]
                .iter()
                .map(|x| {
                    format!(
                        "<rect x=\"{x}\" y=\"68\" width=\"26\" height=\"18\" rx=\"3\" fill=\"{c}\" {line}/>\
                         <ellipse cx=\"{}\" cy=\"68\" rx=\"13\" ry=\"4\" fill=\"{l}\" stroke=\"{d}\" stroke-width=\"2\"/>",
                        x + 13
                    )
                })
                .collect();
            format!(
                "{studs}<rect x=\"36\" y=\"84\" width=\"168\" height=\"104\" rx=\"6\" fill=\"{c}\" {line}/>\
                 <rect x=\"46\" y=\"94\" width=\"148\" height=\"10\" rx=\"5\" fill=\"#fff\" opacity=\".3\"/>\
                 <rect x=\"36\" y=\"160\" width=\"168\" height=\"28\" rx=\"6\" fill=\"{d}\" opacity=\".35\"/>"
            )
        }
        Shape::Stroller => format!(
            "<path d=\"M172 118 L204 60 H220\" fill=\"none\" stroke=\"#3a3f47\" stroke-width=\"7\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\
             <path d=\"M98 160 L80 194 M140 160 L162 194\" stroke=\"#3a3f47\" stroke-width=\"6\" stroke-linecap=\"round\"/>\
             <path d=\"M54 118 A68 68 0 0 1 122 50 V118 Z\" fill=\"{d}\" {line}/>\
             <path d=\"M54 118 H180 Q180 164 134 164 H94 Q54 164 54 118 Z\" fill=\"{c}\" {line}/>\
             <path d=\"M72 90 L122 90 M88 68 L122 68\" stroke=\"{l}\" stroke-width=\"3\" opacity=\".6\"/>\
             <circle cx=\"80\" cy=\"194\" r=\"17\" fill=\"none\" stroke=\"#2a2e34\" stroke-width=\"7\"/>\
             <circle cx=\"162\" cy=\"194\" r=\"17\" fill=\"none\" stroke=\"#2a2e34\" stroke-width=\"7\"/>"
        ),
        Shape::Book => format!(
            "<rect x=\"70\" y=\"34\" width=\"120\" height=\"172\" rx=\"4\" fill=\"#efe8d6\" stroke=\"#c7b993\" stroke-width=\"2\"/>\
             <path d=\"M76 200 H186 M80 195 H186\" stroke=\"#c7b993\" stroke-width=\"1.5\"/>\
             <rect x=\"56\" y=\"26\" width=\"122\" height=\"172\" rx=\"4\" fill=\"{c}\" {line}/>\
             <rect x=\"56\" y=\"26\" width=\"16\" height=\"172\" rx=\"3\" fill=\"{d}\"/>\
             <rect x=\"86\" y=\"54\" width=\"78\" height=\"40\" rx=\"3\" fill=\"{l}\"/>\
             <rect x=\"94\" y=\"63\" width=\"62\" height=\"7\" rx=\"2\" fill=\"{d}\" opacity=\".7\"/>\
             <rect x=\"102\" y=\"77\" width=\"46\" height=\"5\" rx=\"2\" fill=\"{d}\" opacity=\".5\"/>\
             <rect x=\"86\" y=\"170\" width=\"78\" height=\"4\" fill=\"{l}\"/>"
        ),
        Shape::Dumbbell => {
            // One dumbbell of the pair: 1 kg small plates, 10 kg and more the biggest.
            let kg = mass_g.map_or(5, |g| g / 2_000).clamp(1, 12);
            let outer = 48 + kg * 5;
            let inner = outer * 3 / 4;
            let (top, top2) = (120 - outer / 2, 120 - inner / 2);
            let (hl, hl_top) = (outer - 16, 128 - outer / 2);
            format!(
                "<rect x=\"34\" y=\"113\" width=\"172\" height=\"14\" rx=\"7\" fill=\"#a3acb6\" stroke=\"#6b737c\" stroke-width=\"2\"/>\
                 <path d=\"M96 113 V127 M104 113 V127 M112 113 V127 M120 113 V127 M128 113 V127 M136 113 V127 M144 113 V127\" stroke=\"#6b737c\" stroke-width=\"1.5\"/>\
                 <rect x=\"48\" y=\"{top}\" width=\"22\" height=\"{outer}\" rx=\"7\" fill=\"{c}\" {line}/>\
                 <rect x=\"70\" y=\"{top2}\" width=\"17\" height=\"{inner}\" rx=\"6\" fill=\"{c}\" {line}/>\
                 <rect x=\"170\" y=\"{top}\" width=\"22\" height=\"{outer}\" rx=\"7\" fill=\"{c}\" {line}/>\
                 <rect x=\"153\" y=\"{top2}\" width=\"17\" height=\"{inner}\" rx=\"6\" fill=\"{c}\" {line}/>\
                 <rect x=\"53\" y=\"{hl_top}\" width=\"5\" height=\"{hl}\" rx=\"2\" fill=\"#fff\" opacity=\".25\"/>\
                 <rect x=\"175\" y=\"{hl_top}\" width=\"5\" height=\"{hl}\" rx=\"2\" fill=\"#fff\" opacity=\".25\"/>"
            )
        }
        Shape::Kettlebell => format!(
            "<path d=\"M82 118 V84 Q82 42 120 42 Q158 42 158 84 V118\" fill=\"none\" stroke=\"{d}\" stroke-width=\"20\" stroke-linecap=\"round\"/>\
             <path d=\"M82 118 V84 Q82 42 120 42 Q158 42 158 84 V118\" fill=\"none\" stroke=\"{c}\" stroke-width=\"12\" stroke-linecap=\"round\"/>\
             <circle cx=\"120\" cy=\"144\" r=\"64\" fill=\"url(#shine)\" {line}/>\
             <rect x=\"80\" y=\"198\" width=\"80\" height=\"12\" rx=\"4\" fill=\"{d}\"/>\
             <text x=\"120\" y=\"160\" font-family=\"sans-serif\" font-size=\"40\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\" opacity=\".85\">{}</text>",
            mass_g.map(|g| (g / 1_000).to_string()).unwrap_or_default()
        ),
        Shape::Bicycle => format!(
            "<circle cx=\"64\" cy=\"156\" r=\"40\" fill=\"none\" stroke=\"#2a2e34\" stroke-width=\"7\"/>\
             <circle cx=\"176\" cy=\"156\" r=\"40\" fill=\"none\" stroke=\"#2a2e34\" stroke-width=\"7\"/>\
             <circle cx=\"64\" cy=\"156\" r=\"4\" fill=\"#2a2e34\"/><circle cx=\"176\" cy=\"156\" r=\"4\" fill=\"#2a2e34\"/>\
             <path d=\"M64 156 L104 100 H164 L176 156 M104 100 L122 156 L64 156 M122 156 L164 100\" fill=\"none\" stroke=\"{c}\" stroke-width=\"8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\
             <path d=\"M104 100 L97 80 M164 100 L158 72 L176 70\" fill=\"none\" stroke=\"#2a2e34\" stroke-width=\"6\" stroke-linecap=\"round\"/>\
             <rect x=\"82\" y=\"72\" width=\"32\" height=\"9\" rx=\"4\" fill=\"#2a2e34\"/>\
             <circle cx=\"122\" cy=\"156\" r=\"9\" fill=\"none\" stroke=\"{d}\" stroke-width=\"4\"/>"
        ),
        Shape::Mat => format!(
            "<path d=\"M40 158 L16 206 H186 L200 158 Z\" fill=\"{c}\" {line}/>\
             <ellipse cx=\"40\" cy=\"118\" rx=\"20\" ry=\"40\" fill=\"{d}\" {line}/>\
             <rect x=\"40\" y=\"78\" width=\"160\" height=\"80\" fill=\"{c}\"/>\
             <path d=\"M40 78 H200 M40 158 H200\" {line}/>\
             <rect x=\"78\" y=\"76\" width=\"12\" height=\"84\" fill=\"{d}\"/>\
             <rect x=\"150\" y=\"76\" width=\"12\" height=\"84\" fill=\"{d}\"/>\
             <ellipse cx=\"200\" cy=\"118\" rx=\"20\" ry=\"40\" fill=\"{l}\" {line}/>\
             <path d=\"M200 118 m-3 0 a3 5 0 1 1 6 0 a7 12 0 1 1 -14 0 a11 20 0 1 1 22 0 a15 28 0 1 1 -30 0\" fill=\"none\" stroke=\"{d}\" stroke-width=\"2\"/>"
        ),
        Shape::Parcel => format!(
            "<path d=\"M46 84 L120 54 L194 84 L120 114 Z\" fill=\"{l}\" {line}/>\
             <path d=\"M46 84 V172 L120 204 V114 Z\" fill=\"{c}\" {line}/>\
             <path d=\"M194 84 V172 L120 204 V114 Z\" fill=\"{d}\" {line}/>\
             <path d=\"M83 69 L157 99 V126\" fill=\"none\" stroke=\"#f3e6c8\" stroke-width=\"12\"/>"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generator_is_repeatable() {
        let (mut a, mut b) = (Lcg(1), Lcg(1));
        for _ in 0..10 {
            assert_eq!(a.next(), b.next());
        }
        let mut r = Lcg(7);
        for _ in 0..1000 {
            let v = r.range(3, 9);
            assert!((3..=9).contains(&v));
        }
    }

    #[test]
    fn pictures_escape_text() {
        let svg = picture("<b> & co", "books");
        assert!(svg.starts_with("<svg") && !svg.contains("<b>"));
    }

    #[test]
    fn every_kind_has_enough_distinct_products_and_the_titles_differ() {
        let share = PRODUCTS.div_ceil(KINDS.len());
        for k in KINDS {
            let combos = k.models.len() * k.options.1.len() * k.colours.1.len();
            assert!(combos >= share, "{}: {combos} < {share}", k.noun);
        }
        let all = products();
        assert_eq!(all.len(), PRODUCTS);
        let titles: HashSet<&str> = all.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles.len(), all.len(), "no two products share a title");
        assert_eq!(products()[17].title, all[17].title, "repeatable");
        // The product page shows these itself: attributes do not repeat them.
        for p in &all {
            let attributes: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&p.attributes).unwrap();
            for fact in ["Вес", "Продавец", "Категория", "Размеры", "Отправка"]
            {
                assert!(!attributes.contains_key(fact), "{}: {fact}", p.title);
            }
        }
    }

    #[test]
    fn weights_follow_the_title() {
        assert_eq!(
            stated_mass_g("Гантели Demix виниловые, 2 × 10 кг"),
            Some(20_000)
        );
        assert_eq!(stated_mass_g("Гиря Demix чугунная, 16 кг"), Some(16_000));
        assert_eq!(stated_mass_g("Мёд гречишный, 500 г"), Some(500));
        assert_eq!(stated_mass_g("Смартфон HONOR 200, 8/256 ГБ, синий"), None);
        for p in products() {
            if p.shape == Shape::Dumbbell || p.shape == Shape::Kettlebell {
                let mass = stated_mass_g(&p.title).expect("a stated mass");
                assert!(
                    (mass..=mass + 600).contains(&p.weight_g),
                    "{}: {} g",
                    p.title,
                    p.weight_g
                );
            }
            if p.shape == Shape::Phone {
                assert!((150..=250).contains(&p.weight_g), "{}", p.title);
            }
        }
    }

    #[test]
    fn every_product_is_drawn_as_its_kind_in_its_colour() {
        for p in products() {
            assert_eq!(shape_for(&p.title, p.category), p.shape, "{}", p.title);
        }
        assert_eq!(shape_for("Мёд гречишный, 500 г", "food"), Shape::Parcel);
        assert_eq!(
            shape_for("Смартфон Apple iPhone 15", "phones"),
            Shape::Phone
        );
        assert_eq!(shape_for("Гирлянда светодиодная", "home"), Shape::Blanket);
        assert_eq!(
            named_colour("Футболка Lime хлопковая, чёрная"),
            Some(Hsl(220, 8, 17))
        );
        assert_eq!(
            named_colour("Куртка Zolla удлинённая, тёмно-синяя").map(|c| c.0),
            Some(218)
        );
        assert_eq!(
            named_colour("Куртка Zolla удлинённая, хаки").map(|c| c.0),
            Some(75)
        );
        assert_eq!(
            named_colour("Ёлочные игрушки Snowmen «Винтаж», серебристые").map(|c| c.2),
            Some(80)
        );
        assert_eq!(
            named_colour("Учебник «История России. 7 класс», Просвещение"),
            None
        );
        assert_eq!(named_colour("Сковорода серии Pro"), None);
        let black = picture("Футболка Lime хлопковая, чёрная", "clothes");
        let white = picture("Футболка Lime хлопковая, белая", "clothes");
        assert!(black.contains("hsl(220,8%,17%)") && white.contains("hsl(210,10%,96%)"));
        assert!(picture("Гиря Demix чугунная, 16 кг", "sport").contains(">16</text>"));
    }
}
