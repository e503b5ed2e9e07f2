/**
 * Inbound leads for the benchmarks and the load specs: four ordinary, qualifying requests (one per
 * language) made distinct per index, so that intake sees new people and companies rather than
 * duplicates. Invented, not taken from the evaluation set.
 */
const TEMPLATES = [
  {
    name: 'Katrin Vogel',
    domain: 'vogel-haustechnik',
    tld: 'de',
    company: 'Vogel Haustechnik GmbH',
    message:
      'Guten Tag, wir sind ein Handwerksbetrieb mit 60 Mitarbeitern und möchten unsere Einsatzplanung digitalisieren: eine Web-App für das Büro, in der Aufträge angelegt und Monteuren zugewiesen werden, und eine mobile App für die Monteure mit Auftragsliste, Fotos und digitaler Unterschrift des Kunden. Die Daten sollen in unser ERP übertragen werden.',
    budget: 60000,
    timeline: 'Start im Frühjahr',
  },
  {
    name: 'Daniel Brooks',
    domain: 'brookslearning',
    tld: 'co.uk',
    company: 'Brooks Learning Ltd',
    message:
      'Hi, we run evening courses for adults and need an online booking platform: customers browse courses, book and pay by card, and get reminder e-mails. Our staff need an admin dashboard to manage courses, rooms and attendance, and reports on bookings per month. Could you send us a proposal?',
    budget: 40000,
    timeline: 'within four months',
  },
  {
    name: 'Claire Dubois',
    domain: 'transports-dubois',
    tld: 'fr',
    company: 'Transports Dubois',
    message:
      "Bonjour, nous sommes une entreprise de transport régional et nous souhaitons une application de suivi des livraisons : nos chauffeurs confirment chaque livraison sur leur téléphone avec une photo, et nos clients suivent leurs colis en ligne. Il faudrait aussi une interface avec notre logiciel de facturation. Pouvez-vous nous faire une proposition ?",
    budget: 50000,
    timeline: undefined,
  },
  {
    name: 'Javier Ortega',
    domain: 'clinicaortega',
    tld: 'es',
    company: 'Clínica Dental Ortega',
    message:
      'Hola, tenemos tres clínicas dentales y queremos un sistema de citas en línea: los pacientes reservan y cancelan citas desde la web y el móvil, reciben recordatorios por correo, y el personal gestiona las agendas de los dentistas. También necesitamos integrarlo con nuestro software de gestión de pacientes. ¿Nos pueden enviar un presupuesto?',
    budget: 45000,
    timeline: 'para después del verano',
  },
] as const;

export function sampleLead(index: number, run: string): Record<string, string | number> {
  const template = TEMPLATES[index % TEMPLATES.length]!;
  const tag = `${run}${index}`;
  const [first, last] = template.name.split(' ');
  const lead: Record<string, string | number | undefined> = {
    name: template.name,
    email: `${first!.toLowerCase()}.${last!.toLowerCase()}@${template.domain}-${tag}.${template.tld}`,
    company: `${template.company} ${tag}`,
    website: `https://www.${template.domain}-${tag}.${template.tld}`,
    message: template.message,
    budget: template.budget,
    timeline: template.timeline,
  };
  return Object.fromEntries(Object.entries(lead).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}
