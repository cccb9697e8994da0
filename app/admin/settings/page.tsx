import { getServices } from '../../../server/boot';
import { readSiteSettings } from '../../../server/site';
import { requireAdmin } from '../../_lib/access';
import { SettingsForm } from './settings-form';

/** The site title and description visitors see on the gallery, in the feed and in link previews. */
export default async function SettingsPage() {
  await requireAdmin();
  const site = await readSiteSettings(await getServices());
  return (
    <>
      <h1>Settings</h1>
      <SettingsForm initial={site} />
    </>
  );
}
