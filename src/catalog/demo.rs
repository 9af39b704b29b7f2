//! The demo catalogue loaded into an empty database: Russian products from several sellers
//! and warehouses, generated from a fixed seed so every install looks the same.

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

/// Per category: (noun, brands, variants, weight range g, price range ₽, seller index).
type Kind = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    (i64, i64),
    (i64, i64),
    usize,
);

const KINDS: &[(&str, Kind)] = &[
    (
        "electronics",
        (
            "Смартфон",
            &["Samsung", "Xiaomi", "realme", "HONOR"],
            &["128 ГБ", "256 ГБ", "чёрный", "синий"],
            (180, 230),
            (9_990, 89_990),
            0,
        ),
    ),
    (
        "electronics",
        (
            "Наушники беспроводные",
            &["JBL", "Sony", "Huawei"],
            &["белые", "чёрные"],
            (50, 300),
            (1_990, 24_990),
            0,
        ),
    ),
    (
        "electronics",
        (
            "Ноутбук",
            &["ASUS", "Lenovo", "HUAWEI"],
            &["15,6\"", "14\"", "16 ГБ ОЗУ"],
            (1_300, 2_400),
            (39_990, 149_990),
            0,
        ),
    ),
    (
        "appliances",
        (
            "Чайник электрический",
            &["Bosch", "Polaris", "Tefal"],
            &["1,7 л", "стеклянный", "с подсветкой"],
            (900, 1_600),
            (1_490, 6_990),
            0,
        ),
    ),
    (
        "appliances",
        (
            "Стиральная машина",
            &["LG", "Haier", "Indesit"],
            &["6 кг", "8 кг", "узкая"],
            (52_000, 68_000),
            (24_990, 69_990),
            0,
        ),
    ),
    (
        "appliances",
        (
            "Пылесос",
            &["Dyson", "Tefal", "Kitfort"],
            &["беспроводной", "с контейнером"],
            (2_500, 6_500),
            (4_990, 54_990),
            0,
        ),
    ),
    (
        "clothes",
        (
            "Футболка",
            &["Befree", "Gloria Jeans", "O'STIN"],
            &["хлопок", "оверсайз", "белая", "чёрная"],
            (150, 250),
            (599, 1_999),
            2,
        ),
    ),
    (
        "clothes",
        (
            "Куртка зимняя",
            &["Finn Flare", "Zolla"],
            &["с капюшоном", "удлинённая"],
            (900, 1_800),
            (4_990, 17_990),
            2,
        ),
    ),
    (
        "clothes",
        (
            "Джинсы",
            &["Levi's", "Gloria Jeans"],
            &["прямые", "скинни"],
            (500, 800),
            (1_990, 8_990),
            2,
        ),
    ),
    (
        "shoes",
        (
            "Кроссовки",
            &["Nike", "Adidas", "Puma", "Demix"],
            &["беговые", "для зала"],
            (600, 1_100),
            (2_990, 14_990),
            2,
        ),
    ),
    (
        "shoes",
        (
            "Ботинки",
            &["Ralf Ringer", "ECCO"],
            &["зимние", "демисезонные"],
            (1_100, 1_900),
            (4_990, 19_990),
            2,
        ),
    ),
    (
        "home",
        (
            "Набор кастрюль",
            &["Rondell", "Tefal"],
            &["3 предмета", "6 предметов"],
            (2_500, 6_000),
            (2_990, 14_990),
            1,
        ),
    ),
    (
        "home",
        (
            "Ёлочные игрушки",
            &["Зимнее волшебство", "Snowmen"],
            &["шары 12 шт", "стекло"],
            (300, 900),
            (499, 2_999),
            1,
        ),
    ),
    (
        "home",
        (
            "Плед",
            &["Этель", "Cleo"],
            &["150×200", "флис"],
            (600, 1_400),
            (999, 3_990),
            1,
        ),
    ),
    (
        "kids",
        (
            "Конструктор",
            &["LEGO", "Банда умников"],
            &["300 деталей", "город"],
            (400, 1_500),
            (1_490, 12_990),
            1,
        ),
    ),
    (
        "kids",
        (
            "Коляска прогулочная",
            &["Happy Baby", "Babyton"],
            &["лёгкая", "всесезонная"],
            (6_500, 9_500),
            (7_990, 29_990),
            1,
        ),
    ),
    (
        "books",
        (
            "Роман",
            &["Эксмо", "АСТ"],
            &[
                "«Мастер и Маргарита»",
                "«Война и мир»",
                "«Преступление и наказание»",
            ],
            (300, 900),
            (349, 1_290),
            3,
        ),
    ),
    (
        "books",
        (
            "Учебник",
            &["Просвещение", "Дрофа"],
            &["математика", "английский язык"],
            (400, 700),
            (499, 990),
            3,
        ),
    ),
    (
        "sport",
        (
            "Гантели",
            &["Torneo", "Demix"],
            &["2×5 кг", "2×10 кг", "разборные 20 кг"],
            (10_000, 20_500),
            (1_990, 7_990),
            4,
        ),
    ),
    (
        "sport",
        (
            "Велосипед",
            &["Stels", "Forward"],
            &["горный", "городской"],
            (13_000, 17_000),
            (14_990, 49_990),
            4,
        ),
    ),
    (
        "sport",
        (
            "Коврик для йоги",
            &["Demix", "Torneo"],
            &["6 мм", "нескользящий"],
            (600, 1_200),
            (790, 2_490),
            4,
        ),
    ),
];

/// Fills an empty catalogue: 8 categories, 5 sellers with 7 warehouses, 240 products.
pub async fn seed(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products")
        .fetch_one(db)
        .await?;
    if count > 0 {
        return Ok(());
    }
    let mut tx = crate::db::begin_write(db).await?;
    for (i, (id, ru, en)) in CATEGORIES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (id, name_ru, name_en, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(*id)
        .bind(*ru)
        .bind(*en)
        .bind(i as i64)
        .execute(&mut *tx)
        .await?;
    }
    // (seller id, seller name, [(warehouse id, city, lead days)])
    let mut sellers = Vec::new();
    for (name, warehouses) in SELLERS {
        let seller_id = new_id();
        sqlx::query("INSERT INTO sellers (id, name) VALUES ($1, $2)")
            .bind(&seller_id)
            .bind(*name)
            .execute(&mut *tx)
            .await?;
        let mut ws = Vec::new();
        for (city, lead) in *warehouses {
            let wid = new_id();
            sqlx::query("INSERT INTO warehouses (id, seller_id, name, city, lead_days) VALUES ($1, $2, $3, $4, $5)")
                .bind(&wid)
                .bind(&seller_id)
                .bind(format!("Склад «{name}», {city}"))
                .bind(*city)
                .bind(*lead)
                .execute(&mut *tx)
                .await?;
            ws.push((wid, *city));
        }
        sellers.push((seller_id, *name, ws));
    }
    let mut rng = Lcg(20_261_122);
    let category_name = |id: &str| CATEGORIES.iter().find(|c| c.0 == id).map_or("", |c| c.1);
    for n in 0..240 {
        let (category, (noun, brands, variants, weight, price, seller)) = KINDS[n % KINDS.len()];
        let brand = rng.pick(brands);
        let variant = rng.pick(variants);
        let title = format!("{noun} {brand}, {variant}");
        let (seller_id, seller_name, warehouses) = &sellers[seller];
        let (origin, city) = rng.pick(warehouses);
        let price_rub = rng.range(price.0, price.1) / 10 * 10 - 10 + 9;
        let old_price = (rng.range(0, 2) == 0).then(|| price_rub * 100 * 5 / 4 / 100 * 100);
        let weight_g = rng.range(weight.0, weight.1);
        let side = |rng: &mut Lcg, w: i64| (w as f64).cbrt() as i64 * 12 + rng.range(20, 120);
        let (length, width, height) = (
            side(&mut rng, weight_g),
            side(&mut rng, weight_g),
            side(&mut rng, weight_g),
        );
        let stock = if n % 37 == 0 { 1 } else { rng.range(2, 120) };
        let attributes =
            serde_json::json!({"Бренд": brand, "Вариант": variant, "Отправка": city}).to_string();
        let search = normalize(&format!(
            "{title} {} {seller_name} {brand}",
            category_name(category)
        ));
        sqlx::query(
            "INSERT INTO products (id, seller_id, origin_id, category_id, title, description, price, old_price, \
             weight_g, length_mm, width_mm, height_mm, stock, attributes, search_text, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(new_id())
        .bind(seller_id)
        .bind(origin)
        .bind(category)
        .bind(&title)
        .bind(format!("{title}. Продавец: {seller_name}. Отправка со склада в городе {city}."))
        .bind(price_rub * 100)
        .bind(old_price)
        .bind(weight_g)
        .bind(length)
        .bind(width)
        .bind(height)
        .bind(stock)
        .bind(attributes)
        .bind(search)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// A picture for a product, drawn as SVG from its category and title.
pub fn picture(title: &str, category_id: &str) -> String {
    let hue = CATEGORIES
        .iter()
        .position(|c| c.0 == category_id)
        .unwrap_or(0)
        * 45;
    let initials: String = title
        .split_whitespace()
        .take(2)
        .filter_map(|w| w.chars().next())
        .collect::<String>()
        .to_uppercase();
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 240\"><defs><linearGradient id=\"g\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\">\
         <stop offset=\"0\" stop-color=\"hsl({hue},70%,88%)\"/><stop offset=\"1\" stop-color=\"hsl({hue},60%,70%)\"/></linearGradient></defs>\
         <rect width=\"240\" height=\"240\" rx=\"24\" fill=\"url(#g)\"/>\
         <text x=\"120\" y=\"140\" font-family=\"sans-serif\" font-size=\"72\" font-weight=\"700\" text-anchor=\"middle\" fill=\"hsl({hue},45%,30%)\">{}</text></svg>",
        esc(&initials)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
