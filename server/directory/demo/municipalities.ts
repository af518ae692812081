import type { ProvinceCode } from '../../../common/geography.ts'
import type { MunicipalityRecord } from '../directory.records.ts'

/**
 * A gazetteer of Canadian municipalities: the places the demo directory's entries are in, and that
 * searches such as "within 50 km of Sherbrooke" start from. Coordinates are the town centre;
 * populations (thousands, rounded, 2021 census) weigh how many providers a place gets.
 */
export interface Municipality {
  id: string
  name: string
  province: ProvinceCode
  latitude: number
  longitude: number
  /** Population in thousands. */
  population: number
  /** The area code of its phone numbers, when not the province's usual one. */
  areaCode?: string
  /** The first characters of its postal codes. */
  postal?: string
  /** A French-speaking community outside Quebec: entries are French-first there. */
  francophone?: boolean
  /** A place with a large French-speaking minority: entries are in both languages, English first. */
  bilingual?: boolean
  /** Bearings (degrees from north, clockwise) where there is land around the centre, for coastal places. */
  land?: [from: number, to: number]
}

type Row = [
  name: string,
  latitude: number,
  longitude: number,
  population: number,
  extra?: Omit<Municipality, 'id' | 'name' | 'province' | 'latitude' | 'longitude' | 'population'>,
]

const north: [number, number] = [-90, 90]
const south: [number, number] = [90, 270]

const rows: Record<ProvinceCode, Row[]> = {
  ON: [
    ['Toronto', 43.6532, -79.3832, 2794, { areaCode: '416', postal: 'M', land: [-85, 85] }],
    ['Ottawa', 45.4215, -75.6972, 1017, { areaCode: '613', postal: 'K1', bilingual: true }],
    ['Mississauga', 43.589, -79.6441, 717, { areaCode: '905', postal: 'L5', land: [-60, 120] }],
    ['Brampton', 43.7315, -79.7624, 656, { areaCode: '905', postal: 'L6' }],
    ['Hamilton', 43.2557, -79.8711, 569, { areaCode: '905', postal: 'L8', land: [90, 360] }],
    ['London', 42.9849, -81.2453, 422, { areaCode: '519', postal: 'N6' }],
    ['Markham', 43.8561, -79.337, 338, { areaCode: '905', postal: 'L3' }],
    ['Vaughan', 43.8361, -79.4983, 323, { areaCode: '905', postal: 'L4' }],
    ['Kitchener', 43.4516, -80.4925, 256, { areaCode: '519', postal: 'N2' }],
    ['Windsor', 42.3149, -83.0364, 229, { areaCode: '519', postal: 'N9', land: south }],
    ['Richmond Hill', 43.8828, -79.4403, 202, { areaCode: '905', postal: 'L4' }],
    ['Oakville', 43.4675, -79.6877, 213, { areaCode: '905', postal: 'L6', land: [-45, 135] }],
    ['Burlington', 43.3255, -79.799, 186, { areaCode: '905', postal: 'L7', land: [-60, 135] }],
    ['Oshawa', 43.8971, -78.8658, 175, { areaCode: '905', postal: 'L1', land: north }],
    ['Greater Sudbury', 46.4917, -80.993, 166, { areaCode: '705', postal: 'P3', bilingual: true }],
    ['Barrie', 44.3894, -79.6903, 148, { areaCode: '705', postal: 'L4' }],
    ['St. Catharines', 43.1594, -79.2469, 136, { areaCode: '905', postal: 'L2', land: south }],
    ['Guelph', 43.5448, -80.2482, 144, { areaCode: '519', postal: 'N1' }],
    ['Cambridge', 43.3616, -80.3144, 138, { areaCode: '519', postal: 'N1' }],
    ['Kingston', 44.2312, -76.486, 132, { areaCode: '613', postal: 'K7', land: north }],
    ['Waterloo', 43.4643, -80.5204, 121, { areaCode: '519', postal: 'N2' }],
    ['Thunder Bay', 48.3809, -89.2477, 108, { areaCode: '807', postal: 'P7', land: [180, 360] }],
    ['Brantford', 43.1394, -80.2644, 104, { areaCode: '519', postal: 'N3' }],
    ['Pickering', 43.8384, -79.0868, 99, { areaCode: '905', postal: 'L1', land: north }],
    ['Whitby', 43.8975, -78.9429, 138, { areaCode: '905', postal: 'L1', land: north }],
    ['Ajax', 43.8509, -79.0204, 126, { areaCode: '905', postal: 'L1', land: north }],
    ['Niagara Falls', 43.0896, -79.0849, 94, { areaCode: '905', postal: 'L2', land: [180, 360] }],
    ['Peterborough', 44.3091, -78.3197, 83, { areaCode: '705', postal: 'K9' }],
    ['Sault Ste. Marie', 46.5219, -84.3461, 73, { areaCode: '705', postal: 'P6', land: north }],
    ['Sarnia', 42.9745, -82.4066, 72, { areaCode: '519', postal: 'N7', land: [90, 200] }],
    ['Welland', 42.9923, -79.2483, 55, { areaCode: '905', postal: 'L3' }],
    ['Chatham-Kent', 42.4048, -82.191, 104, { areaCode: '519', postal: 'N7' }],
    ['North Bay', 46.3091, -79.4608, 52, { areaCode: '705', postal: 'P1', land: [0, 200] }],
    ['Belleville', 44.1628, -77.3832, 55, { areaCode: '613', postal: 'K8', land: north }],
    ['Cornwall', 45.0213, -74.7303, 47, { areaCode: '613', postal: 'K6', land: north, bilingual: true }],
    ['Timmins', 48.4758, -81.3305, 41, { areaCode: '705', postal: 'P4', bilingual: true }],
    ['Woodstock', 43.1315, -80.747, 46, { areaCode: '519', postal: 'N4' }],
    ['Stratford', 43.3701, -80.9822, 33, { areaCode: '519', postal: 'N5' }],
    ['Orillia', 44.6082, -79.4197, 33, { areaCode: '705', postal: 'L3' }],
    ['Owen Sound', 44.569, -80.9406, 21, { areaCode: '519', postal: 'N4', land: [90, 270] }],
    ['Brockville', 44.5895, -75.6843, 22, { areaCode: '613', postal: 'K6', land: north }],
    ['Pembroke', 45.8261, -77.1106, 14, { areaCode: '613', postal: 'K8' }],
    ['Hawkesbury', 45.6076, -74.6048, 10, { areaCode: '613', postal: 'K6', francophone: true, land: south }],
    ['Kapuskasing', 49.4169, -82.4331, 8, { areaCode: '705', postal: 'P5', francophone: true }],
    ['Elliot Lake', 46.3834, -82.6532, 11, { areaCode: '705', postal: 'P5' }],
    ['Kenora', 49.767, -94.4894, 14, { areaCode: '807', postal: 'P9' }],
    ['Dryden', 49.7833, -92.8378, 8, { areaCode: '807', postal: 'P8' }],
    ['Fort Frances', 48.6092, -93.4003, 8, { areaCode: '807', postal: 'P9' }],
    ['Sioux Lookout', 50.0979, -91.9217, 6, { areaCode: '807', postal: 'P8' }],
    ['Moosonee', 51.2794, -80.6463, 2, { areaCode: '705', postal: 'P0' }],
  ],
  QC: [
    ['Montréal', 45.5019, -73.5674, 1763, { areaCode: '514', postal: 'H' }],
    ['Québec', 46.8139, -71.208, 550, { areaCode: '418', postal: 'G1', land: [-100, 30] }],
    ['Laval', 45.6066, -73.7124, 438, { areaCode: '450', postal: 'H7' }],
    ['Gatineau', 45.4765, -75.7013, 291, { areaCode: '819', postal: 'J8', land: north }],
    ['Longueuil', 45.5312, -73.5181, 254, { areaCode: '450', postal: 'J4', land: [0, 220] }],
    ['Sherbrooke', 45.4042, -71.8929, 172, { areaCode: '819', postal: 'J1' }],
    ['Saguenay', 48.4284, -71.0686, 145, { areaCode: '418', postal: 'G7' }],
    ['Lévis', 46.8033, -71.1779, 149, { areaCode: '418', postal: 'G6', land: [90, 270] }],
    ['Trois-Rivières', 46.343, -72.543, 139, { areaCode: '819', postal: 'G9', land: [-90, 60] }],
    ['Terrebonne', 45.7, -73.647, 119, { areaCode: '450', postal: 'J6' }],
    ['Saint-Jean-sur-Richelieu', 45.3071, -73.2626, 97, { areaCode: '450', postal: 'J3' }],
    ['Repentigny', 45.7422, -73.45, 86, { areaCode: '450', postal: 'J5' }],
    ['Brossard', 45.45, -73.466, 91, { areaCode: '450', postal: 'J4' }],
    ['Drummondville', 45.8838, -72.4843, 79, { areaCode: '819', postal: 'J2' }],
    ['Saint-Jérôme', 45.7804, -74.0036, 80, { areaCode: '450', postal: 'J7' }],
    ['Granby', 45.4, -72.7333, 70, { areaCode: '450', postal: 'J2' }],
    ['Saint-Hyacinthe', 45.6307, -72.9567, 57, { areaCode: '450', postal: 'J2' }],
    ['Shawinigan', 46.5667, -72.75, 50, { areaCode: '819', postal: 'G9' }],
    ['Joliette', 46.0167, -73.45, 21, { areaCode: '450', postal: 'J6' }],
    ['Victoriaville', 46.05, -71.9667, 47, { areaCode: '819', postal: 'G6' }],
    ['Rimouski', 48.4489, -68.5237, 49, { areaCode: '418', postal: 'G5', land: [90, 270] }],
    ['Rivière-du-Loup', 47.8333, -69.5333, 20, { areaCode: '418', postal: 'G5', land: [60, 240] }],
    ['Alma', 48.55, -71.65, 31, { areaCode: '418', postal: 'G8' }],
    ['Rouyn-Noranda', 48.2366, -79.0231, 42, { areaCode: '819', postal: 'J9' }],
    ['Val-d’Or', 48.0975, -77.7828, 33, { areaCode: '819', postal: 'J9' }],
    ['Sept-Îles', 50.2001, -66.3821, 25, { areaCode: '418', postal: 'G4', land: north }],
    ['Baie-Comeau', 49.2167, -68.15, 21, { areaCode: '418', postal: 'G4', land: [-90, 60] }],
    ['Gaspé', 48.8316, -64.4869, 15, { areaCode: '418', postal: 'G4', land: [180, 360] }],
    ['Chibougamau', 49.9167, -74.3667, 7, { areaCode: '418', postal: 'G8' }],
    ['Kahnawake', 45.4119, -73.6895, 8, { areaCode: '450', postal: 'J0', land: [90, 270] }],
    ['Kuujjuaq', 58.103, -68.399, 3, { areaCode: '819', postal: 'J0' }],
  ],
  BC: [
    ['Vancouver', 49.2827, -123.1207, 662, { areaCode: '604', postal: 'V6', land: [70, 200] }],
    ['Surrey', 49.1913, -122.849, 568, { areaCode: '604', postal: 'V3' }],
    ['Burnaby', 49.2488, -122.9805, 249, { areaCode: '604', postal: 'V5' }],
    ['Richmond', 49.1666, -123.1336, 209, { areaCode: '604', postal: 'V6', land: [0, 180] }],
    ['Abbotsford', 49.0504, -122.3045, 153, { areaCode: '604', postal: 'V2', land: north }],
    ['Coquitlam', 49.2838, -122.7932, 148, { areaCode: '604', postal: 'V3' }],
    ['Kelowna', 49.888, -119.496, 144, { areaCode: '250', postal: 'V1', land: [0, 180] }],
    ['Victoria', 48.4284, -123.3656, 92, { areaCode: '250', postal: 'V8', land: [-70, 40] }],
    ['Saanich', 48.484, -123.381, 117, { areaCode: '250', postal: 'V8' }],
    ['Nanaimo', 49.1659, -123.9401, 99, { areaCode: '250', postal: 'V9', land: [180, 360] }],
    ['Kamloops', 50.6745, -120.3273, 98, { areaCode: '250', postal: 'V2' }],
    ['Chilliwack', 49.1579, -121.9515, 93, { areaCode: '604', postal: 'V2' }],
    ['Prince George', 53.9171, -122.7497, 77, { areaCode: '250', postal: 'V2' }],
    ['Vernon', 50.267, -119.272, 44, { areaCode: '250', postal: 'V1' }],
    ['Penticton', 49.4991, -119.5937, 36, { areaCode: '250', postal: 'V2' }],
    ['Campbell River', 50.0244, -125.2475, 35, { areaCode: '250', postal: 'V9', land: [180, 360] }],
    ['Port Alberni', 49.2339, -124.8055, 18, { areaCode: '250', postal: 'V9' }],
    ['Cranbrook', 49.5097, -115.7688, 21, { areaCode: '250', postal: 'V1' }],
    ['Nelson', 49.4928, -117.2948, 11, { areaCode: '250', postal: 'V1' }],
    ['Williams Lake', 52.1417, -122.1417, 11, { areaCode: '250', postal: 'V2' }],
    ['Quesnel', 52.9784, -122.4927, 10, { areaCode: '250', postal: 'V2' }],
    ['Fort St. John', 56.2524, -120.8466, 21, { areaCode: '250', postal: 'V1' }],
    ['Terrace', 54.5182, -128.6032, 12, { areaCode: '250', postal: 'V8' }],
    ['Smithers', 54.78, -127.1743, 5, { areaCode: '250', postal: 'V0' }],
    ['Prince Rupert', 54.315, -130.3208, 13, { areaCode: '250', postal: 'V8' }],
  ],
  AB: [
    ['Calgary', 51.0447, -114.0719, 1306, { areaCode: '403', postal: 'T2' }],
    ['Edmonton', 53.5461, -113.4938, 1011, { areaCode: '780', postal: 'T5' }],
    ['Red Deer', 52.2681, -113.8112, 101, { areaCode: '403', postal: 'T4' }],
    ['Lethbridge', 49.6935, -112.8418, 99, { areaCode: '403', postal: 'T1' }],
    ['St. Albert', 53.6305, -113.6256, 68, { areaCode: '780', postal: 'T8' }],
    ['Medicine Hat', 50.0405, -110.6764, 63, { areaCode: '403', postal: 'T1' }],
    ['Grande Prairie', 55.1707, -118.7947, 64, { areaCode: '780', postal: 'T8' }],
    ['Airdrie', 51.2917, -114.0144, 74, { areaCode: '403', postal: 'T4' }],
    ['Fort McMurray', 56.7267, -111.379, 68, { areaCode: '780', postal: 'T9' }],
    ['Spruce Grove', 53.545, -113.9187, 38, { areaCode: '780', postal: 'T7' }],
    ['Okotoks', 50.7255, -113.9749, 30, { areaCode: '403', postal: 'T1' }],
    ['Lloydminster', 53.2783, -110.0057, 19, { areaCode: '780', postal: 'T9' }],
    ['Camrose', 53.0167, -112.8333, 19, { areaCode: '780', postal: 'T4' }],
    ['Brooks', 50.5642, -111.8989, 15, { areaCode: '403', postal: 'T1' }],
    ['Cold Lake', 54.4642, -110.1825, 16, { areaCode: '780', postal: 'T9' }],
    ['Wetaskiwin', 52.9692, -113.3769, 13, { areaCode: '780', postal: 'T9' }],
    ['Slave Lake', 55.2833, -114.7667, 7, { areaCode: '780', postal: 'T0' }],
    ['High Level', 58.5169, -117.136, 4, { areaCode: '780', postal: 'T0' }],
  ],
  MB: [
    ['Winnipeg', 49.8951, -97.1384, 749, { postal: 'R3' }],
    ['Brandon', 49.8485, -99.9501, 51, { postal: 'R7' }],
    ['Steinbach', 49.5258, -96.6839, 17, { postal: 'R5' }],
    ['Winkler', 49.1817, -97.9397, 13, { postal: 'R6' }],
    ['Portage la Prairie', 49.9728, -98.2926, 13, { postal: 'R1' }],
    ['Selkirk', 50.1436, -96.8839, 10, { postal: 'R1' }],
    ['Thompson', 55.7435, -97.8558, 13, { postal: 'R8' }],
    ['Dauphin', 51.1494, -100.0497, 8, { postal: 'R7' }],
    ['The Pas', 53.8251, -101.2541, 5, { postal: 'R9' }],
    ['Flin Flon', 54.7682, -101.865, 5, { postal: 'R8' }],
    ['Churchill', 58.7684, -94.165, 1, { postal: 'R0', land: [90, 270] }],
  ],
  SK: [
    ['Saskatoon', 52.1332, -106.67, 266, { postal: 'S7' }],
    ['Regina', 50.4452, -104.6189, 226, { postal: 'S4' }],
    ['Prince Albert', 53.2033, -105.7531, 37, { postal: 'S6' }],
    ['Moose Jaw', 50.3934, -105.5519, 34, { postal: 'S6' }],
    ['Swift Current', 50.2851, -107.7972, 17, { postal: 'S9' }],
    ['Yorkton', 51.2139, -102.4628, 17, { postal: 'S3' }],
    ['North Battleford', 52.7575, -108.2861, 14, { postal: 'S9' }],
    ['Estevan', 49.1392, -102.9861, 11, { postal: 'S4' }],
    ['Weyburn', 49.6617, -103.8525, 11, { postal: 'S4' }],
    ['Meadow Lake', 54.1242, -108.4358, 5, { postal: 'S9' }],
    ['La Ronge', 55.1, -105.2833, 3, { postal: 'S0' }],
  ],
  NS: [
    ['Halifax', 44.6488, -63.5752, 440, { postal: 'B3', land: [180, 360] }],
    ['Dartmouth', 44.6713, -63.5772, 93, { postal: 'B2', land: [0, 150] }],
    ['Sydney', 46.1368, -60.1942, 30, { postal: 'B1', land: [90, 300] }],
    ['Truro', 45.365, -63.28, 13, { postal: 'B2' }],
    ['New Glasgow', 45.592, -62.645, 9, { postal: 'B2' }],
    ['Antigonish', 45.6218, -61.9937, 5, { postal: 'B2' }],
    ['Amherst', 45.8167, -64.2167, 10, { postal: 'B4' }],
    ['Kentville', 45.0772, -64.4961, 6, { postal: 'B4' }],
    ['Wolfville', 45.0917, -64.3592, 5, { postal: 'B4', land: south }],
    ['Bridgewater', 44.3786, -64.5183, 9, { postal: 'B4' }],
    ['Lunenburg', 44.377, -64.309, 2, { postal: 'B0', land: [-90, 60] }],
    ['Yarmouth', 43.8375, -66.1174, 7, { postal: 'B5', land: [0, 180] }],
    ['Digby', 44.62, -65.76, 2, { postal: 'B0', land: [90, 270] }],
    ['Port Hawkesbury', 45.6167, -61.35, 3, { postal: 'B9' }],
    ['Eskasoni', 45.945, -60.616, 4, { postal: 'B1' }],
  ],
  NB: [
    ['Moncton', 46.0878, -64.7782, 79, { postal: 'E1', bilingual: true }],
    ['Saint John', 45.2733, -66.0633, 69, { postal: 'E2', land: north }],
    ['Fredericton', 45.9636, -66.6431, 64, { postal: 'E3' }],
    ['Dieppe', 46.0989, -64.7242, 28, { postal: 'E1', francophone: true }],
    ['Miramichi', 47.0296, -65.5019, 17, { postal: 'E1' }],
    ['Edmundston', 47.3737, -68.3251, 16, { postal: 'E3', francophone: true }],
    ['Bathurst', 47.6186, -65.6513, 12, { postal: 'E2', land: south }],
    ['Campbellton', 48.0075, -66.6727, 7, { postal: 'E3', land: south }],
    ['Caraquet', 47.7939, -64.9381, 4, { postal: 'E1', francophone: true, land: south }],
    ['Shediac', 46.219, -64.541, 7, { postal: 'E4', francophone: true, land: south }],
    ['Sussex', 45.7222, -65.5064, 4, { postal: 'E4' }],
    ['Woodstock', 46.152, -67.601, 5, { postal: 'E7' }],
  ],
  NL: [
    ["St. John's", 47.5615, -52.7126, 111, { postal: 'A1', land: [180, 340] }],
    ['Mount Pearl', 47.5189, -52.8058, 23, { postal: 'A1' }],
    ['Conception Bay South', 47.5167, -52.9833, 27, { postal: 'A1', land: [90, 270] }],
    ['Corner Brook', 48.95, -57.9522, 19, { postal: 'A2' }],
    ['Gander', 48.9569, -54.6089, 12, { postal: 'A1' }],
    ['Grand Falls-Windsor', 48.9333, -55.6667, 14, { postal: 'A2' }],
    ['Stephenville', 48.55, -58.5667, 7, { postal: 'A2', land: [-60, 120] }],
    ['Happy Valley-Goose Bay', 53.3017, -60.3261, 8, { postal: 'A0' }],
    ['Labrador City', 52.9463, -66.9114, 7, { postal: 'A2' }],
    ['Nain', 56.5422, -61.6928, 1, { postal: 'A0', land: [180, 360] }],
  ],
  PE: [
    ['Charlottetown', 46.2382, -63.1311, 39, { postal: 'C1', land: north }],
    ['Summerside', 46.395, -63.7876, 16, { postal: 'C1', land: [0, 150] }],
    ['Stratford', 46.2167, -63.0893, 11, { postal: 'C1', land: [0, 200] }],
    ['Montague', 46.1667, -62.65, 2, { postal: 'C0' }],
    ['Souris', 46.354, -62.252, 1, { postal: 'C0', land: north }],
  ],
  NT: [
    ['Yellowknife', 62.454, -114.3718, 20, { postal: 'X1' }],
    ['Hay River', 60.8156, -115.7999, 4, { postal: 'X0', land: south }],
    ['Inuvik', 68.3607, -133.723, 3, { postal: 'X0' }],
    ['Fort Smith', 60.0055, -111.8853, 2, { postal: 'X0' }],
    ['Behchokǫ̀', 62.8025, -116.0464, 2, { postal: 'X0' }],
    ['Fort Simpson', 61.8628, -121.3533, 1, { postal: 'X0' }],
  ],
  NU: [
    ['Iqaluit', 63.7467, -68.517, 7, { postal: 'X0', land: [-90, 45] }],
    ['Rankin Inlet', 62.809, -92.0853, 3, { postal: 'X0', land: [180, 360] }],
    ['Arviat', 61.1078, -94.0583, 3, { postal: 'X0', land: [180, 360] }],
    ['Baker Lake', 64.3176, -96.022, 2, { postal: 'X0', land: north }],
    ['Cambridge Bay', 69.1169, -105.0597, 2, { postal: 'X0', land: north }],
    ['Igloolik', 69.3765, -81.8, 2, { postal: 'X0' }],
    ['Pond Inlet', 72.6991, -77.9586, 2, { postal: 'X0', land: [90, 270] }],
    ['Kugluktuk', 67.8267, -115.0959, 2, { postal: 'X0', land: [90, 270] }],
  ],
  YT: [
    ['Whitehorse', 60.7212, -135.0568, 28, { postal: 'Y1' }],
    ['Dawson City', 64.0601, -139.432, 2, { postal: 'Y0' }],
    ['Watson Lake', 60.0629, -128.7089, 1, { postal: 'Y0' }],
    ['Haines Junction', 60.7522, -137.5108, 1, { postal: 'Y0' }],
    ['Carmacks', 62.0886, -136.29, 1, { postal: 'Y0' }],
    ['Old Crow', 67.5706, -139.828, 0.3, { postal: 'Y0' }],
  ],
}

/** The usual area code of each province or territory. */
export const provinceAreaCodes: Record<ProvinceCode, string> = {
  AB: '780',
  BC: '250',
  MB: '204',
  NB: '506',
  NL: '709',
  NS: '902',
  NT: '867',
  NU: '867',
  ON: '613',
  PE: '902',
  QC: '418',
  SK: '306',
  YT: '867',
}

export const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

export const municipalities: Municipality[] = Object.entries(rows).flatMap(([province, list]) =>
  list.map(([name, latitude, longitude, population, extra]) => ({
    id: `${province.toLowerCase()}-${slug(name)}`,
    name,
    province: province as ProvinceCode,
    latitude,
    longitude,
    population,
    ...extra,
  })),
)

const byId = new Map(municipalities.map((m) => [m.id, m]))

/** A municipality of the gazetteer by id (`on-toronto`); throws for an unknown id. */
export function municipality(id: string): Municipality {
  const found = byId.get(id)
  if (!found) throw new Error(`Unknown municipality ${id}`)
  return found
}

/** The gazetteer as the directory stores it, for searches from a named place. */
export const municipalityRecords = (): MunicipalityRecord[] =>
  municipalities.map((m) => ({
    id: m.id,
    name: m.name,
    province: m.province,
    latitude: m.latitude,
    longitude: m.longitude,
  }))

/** Great-circle distance in kilometres. */
export function distanceKm(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
) {
  const rad = Math.PI / 180
  const dLat = (b.latitude - a.latitude) * rad
  const dLng = (b.longitude - a.longitude) * rad
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)))
}
