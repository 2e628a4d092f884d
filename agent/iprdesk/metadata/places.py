"""The nearest large city to a GPS position, so a report can say "near Shenzhen".

An offline list (no network lookups: the point is to keep the position private): the
cities where Joom sellers and their warehouses cluster, and the world's largest cities.
"""

import functools
import math

NEAR_KM = 80

# (English, Simplified Chinese, latitude, longitude)
CITIES = [
    ("Shanghai", "上海", 31.23, 121.47), ("Beijing", "北京", 39.90, 116.41),
    ("Shenzhen", "深圳", 22.54, 114.06), ("Guangzhou", "广州", 23.13, 113.26),
    ("Dongguan", "东莞", 23.02, 113.75), ("Foshan", "佛山", 23.02, 113.12),
    ("Zhongshan", "中山", 22.52, 113.39), ("Huizhou", "惠州", 23.11, 114.42),
    ("Shantou", "汕头", 23.35, 116.68), ("Hong Kong", "香港", 22.32, 114.17),
    ("Macau", "澳门", 22.20, 113.54), ("Yiwu", "义乌", 29.31, 120.08),
    ("Hangzhou", "杭州", 30.27, 120.16), ("Ningbo", "宁波", 29.87, 121.54),
    ("Wenzhou", "温州", 28.00, 120.67), ("Jinhua", "金华", 29.08, 119.65),
    ("Taizhou", "台州", 28.66, 121.42), ("Suzhou", "苏州", 31.30, 120.59),
    ("Nanjing", "南京", 32.06, 118.80), ("Wuxi", "无锡", 31.49, 120.31),
    ("Changzhou", "常州", 31.81, 119.97), ("Nantong", "南通", 31.98, 120.89),
    ("Xiamen", "厦门", 24.48, 118.09), ("Fuzhou", "福州", 26.07, 119.30),
    ("Quanzhou", "泉州", 24.87, 118.68), ("Putian", "莆田", 25.45, 119.01),
    ("Qingdao", "青岛", 36.07, 120.38), ("Jinan", "济南", 36.65, 117.12),
    ("Linyi", "临沂", 35.10, 118.36), ("Tianjin", "天津", 39.13, 117.20),
    ("Shijiazhuang", "石家庄", 38.04, 114.51), ("Baoding", "保定", 38.87, 115.46),
    ("Dalian", "大连", 38.91, 121.61), ("Shenyang", "沈阳", 41.80, 123.43),
    ("Harbin", "哈尔滨", 45.80, 126.53), ("Changchun", "长春", 43.82, 125.32),
    ("Zhengzhou", "郑州", 34.75, 113.62), ("Wuhan", "武汉", 30.59, 114.31),
    ("Changsha", "长沙", 28.23, 112.94), ("Nanchang", "南昌", 28.68, 115.86),
    ("Hefei", "合肥", 31.82, 117.23), ("Chengdu", "成都", 30.57, 104.07),
    ("Chongqing", "重庆", 29.56, 106.55), ("Xi'an", "西安", 34.34, 108.94),
    ("Kunming", "昆明", 25.04, 102.71), ("Nanning", "南宁", 22.82, 108.32),
    ("Guiyang", "贵阳", 26.65, 106.63), ("Taiyuan", "太原", 37.87, 112.55),
    ("Lanzhou", "兰州", 36.06, 103.83), ("Urumqi", "乌鲁木齐", 43.83, 87.62),
    ("Haikou", "海口", 20.04, 110.34), ("Taipei", "台北", 25.03, 121.57),
    ("Moscow", "莫斯科", 55.76, 37.62), ("Saint Petersburg", "圣彼得堡", 59.94, 30.31),
    ("Riga", "里加", 56.95, 24.11), ("Berlin", "柏林", 52.52, 13.40),
    ("London", "伦敦", 51.51, -0.13), ("Paris", "巴黎", 48.86, 2.35),
    ("Istanbul", "伊斯坦布尔", 41.01, 28.98), ("Dubai", "迪拜", 25.20, 55.27),
    ("Mumbai", "孟买", 19.08, 72.88), ("Delhi", "德里", 28.70, 77.10),
    ("Bangkok", "曼谷", 13.76, 100.50), ("Ho Chi Minh City", "胡志明市", 10.82, 106.63),
    ("Hanoi", "河内", 21.03, 105.85), ("Singapore", "新加坡", 1.35, 103.82),
    ("Kuala Lumpur", "吉隆坡", 3.14, 101.69), ("Jakarta", "雅加达", -6.21, 106.85),
    ("Manila", "马尼拉", 14.60, 120.98), ("Seoul", "首尔", 37.57, 126.98),
    ("Tokyo", "东京", 35.68, 139.69), ("Osaka", "大阪", 34.69, 135.50),
    ("Sydney", "悉尼", -33.87, 151.21), ("New York", "纽约", 40.71, -74.01),
    ("Los Angeles", "洛杉矶", 34.05, -118.24), ("Chicago", "芝加哥", 41.88, -87.63),
    ("San Francisco", "旧金山", 37.77, -122.42), ("Mexico City", "墨西哥城", 19.43, -99.13),
    ("Sao Paulo", "圣保罗", -23.55, -46.63), ("Cairo", "开罗", 30.04, 31.24),
    ("Lagos", "拉各斯", 6.52, 3.38),
]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


@functools.lru_cache(maxsize=256)
def nearest_city(lat: float, lon: float) -> dict | None:
    """{"en": ..., "zh_CN": ...} for the nearest listed city within NEAR_KM, else None."""
    best = min(CITIES, key=lambda c: _km(lat, lon, c[2], c[3]))
    if _km(lat, lon, best[2], best[3]) > NEAR_KM:
        return None
    return {"en": best[0], "zh_CN": best[1]}
