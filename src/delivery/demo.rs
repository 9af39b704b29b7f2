//! The demo network: pickup points and parcel lockers across Russian cities, with realistic
//! addresses, hours and coordinates, generated from a fixed seed.

use super::{Kind, NewPoint};
use crate::db::Db;

/// (city, latitude, longitude, weight ~ population in 100k, spread in km).
const CITIES: &[(&str, f64, f64, u32, f64)] = &[
    ("Москва", 55.7558, 37.6173, 130, 18.0),
    ("Санкт-Петербург", 59.9343, 30.3351, 56, 14.0),
    ("Новосибирск", 55.0084, 82.9357, 16, 9.0),
    ("Екатеринбург", 56.8389, 60.6057, 15, 8.0),
    ("Казань", 55.7961, 49.1064, 13, 8.0),
    ("Нижний Новгород", 56.2965, 43.9361, 12, 8.0),
    ("Челябинск", 55.1644, 61.4368, 12, 8.0),
    ("Красноярск", 56.0153, 92.8932, 11, 8.0),
    ("Самара", 53.1959, 50.1002, 11, 8.0),
    ("Уфа", 54.7388, 55.9721, 11, 8.0),
    ("Ростов-на-Дону", 47.2357, 39.7015, 11, 8.0),
    ("Омск", 54.9885, 73.3242, 11, 7.0),
    ("Краснодар", 45.0355, 38.9753, 10, 7.0),
    ("Воронеж", 51.6755, 39.2089, 10, 7.0),
    ("Пермь", 58.0105, 56.2502, 10, 7.0),
    ("Волгоград", 48.7080, 44.5133, 10, 9.0),
    ("Саратов", 51.5331, 46.0342, 8, 6.0),
    ("Тюмень", 57.1522, 65.5272, 8, 6.0),
    ("Тольятти", 53.5078, 49.4204, 7, 6.0),
    ("Ижевск", 56.8526, 53.2045, 6, 5.0),
    ("Барнаул", 53.3548, 83.7698, 6, 6.0),
    ("Ульяновск", 54.3142, 48.4031, 6, 5.0),
    ("Иркутск", 52.2870, 104.3050, 6, 6.0),
    ("Хабаровск", 48.4802, 135.0719, 6, 6.0),
    ("Ярославль", 57.6261, 39.8845, 6, 5.0),
    ("Владивосток", 43.1155, 131.8855, 6, 6.0),
    ("Махачкала", 42.9849, 47.5047, 6, 5.0),
    ("Томск", 56.4846, 84.9476, 5, 5.0),
    ("Оренбург", 51.7682, 55.0970, 5, 5.0),
    ("Кемерово", 55.3547, 86.0873, 5, 5.0),
    ("Рязань", 54.6269, 39.6916, 5, 5.0),
    ("Набережные Челны", 55.7436, 52.3958, 5, 5.0),
    ("Пенза", 53.1959, 45.0183, 5, 5.0),
    ("Калининград", 54.7104, 20.4522, 5, 5.0),
    ("Тула", 54.1931, 37.6173, 5, 5.0),
    ("Сочи", 43.5855, 39.7231, 4, 8.0),
];

const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Советская",
    "ул. Мира",
    "пр-т Победы",
    "ул. Гагарина",
    "ул. Садовая",
    "ул. Пушкина",
    "ул. Кирова",
    "ул. Молодёжная",
    "ул. Школьная",
    "ул. Лесная",
    "ул. Центральная",
    "ул. Московская",
    "пр-т Ленина",
    "ул. Заводская",
    "ул. Набережная",
    "ул. Строителей",
    "ул. Комсомольская",
    "ул. Октябрьская",
    "бул. Космонавтов",
    "ул. Чехова",
    "ул. Горького",
];

const PLACES: &[&str] = &[
    "ТЦ «Мега»",
    "магазин «Пятёрочка»",
    "ТЦ «Галерея»",
    "жилой дом",
    "бизнес-центр",
    "ТРК «Европа»",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Inserts `count` generated points into an empty table.
pub async fn seed(db: &Db, count: usize) -> Result<(), sqlx::Error> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pickup_points")
        .fetch_one(db)
        .await?;
    if existing > 0 || count == 0 {
        return Ok(());
    }
    super::store(db, &generate(count)).await?;
    Ok(())
}

/// The demo network: `count` points over the cities, denser near each centre.
pub fn generate(count: usize) -> Vec<NewPoint> {
    let total_weight: u32 = CITIES.iter().map(|c| c.3).sum();
    let mut rng = Lcg(55_7558);
    (0..count)
        .map(|_| {
            let mut pick = rng.below(total_weight as usize) as u32;
            let city = CITIES
                .iter()
                .find(|c| {
                    if pick < c.3 {
                        true
                    } else {
                        pick -= c.3;
                        false
                    }
                })
                .unwrap_or(&CITIES[0]);
            // Denser near the centre: the sum of two uniforms per axis.
            let dy = (rng.unit() + rng.unit() - 1.0) * city.4 / 111.0;
            let dx = (rng.unit() + rng.unit() - 1.0) * city.4 / (111.0 * city.1.to_radians().cos());
            let kind = if rng.below(5) < 3 {
                Kind::PickupPoint
            } else {
                Kind::ParcelLocker
            };
            let street = STREETS[rng.below(STREETS.len())];
            let house = 1 + rng.below(180);
            let place = PLACES[rng.below(PLACES.len())];
            let (hours, max_weight_g, max_side_mm) = match kind {
                Kind::PickupPoint => (
                    ["09:00–21:00", "10:00–22:00", "08:00–20:00"][rng.below(3)],
                    30_000_i64,
                    1_500_i64,
                ),
                Kind::ParcelLocker => ("круглосуточно", 15_000, [400, 600][rng.below(2)]),
            };
            NewPoint {
                code: None,
                kind,
                city: city.0.to_owned(),
                address: format!("г. {}, {street}, д. {house} ({place})", city.0),
                lat: city.1 + dy,
                lon: city.2 + dx,
                hours: hours.to_owned(),
                max_weight_g,
                max_side_mm,
            }
        })
        .collect()
}
