package io.imageprune.properties;
import org.junit.jupiter.api.Test;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.*;
import io.imageprune.execute.*;
import java.util.*;
class TmpTimingTest {
  @Test void stats() {
    Map<String,Integer> rules = new TreeMap<>();
    java.util.Random rnd=new java.util.Random(1);
    int imgs=0, blobs=0, ll=0, ml=0, pinnedKept=0, tagProtected=0, imgUsedProtected=0, refusals=0;
    for (long s=1;s<=250;s++) {
      RandomCluster c = RandomCluster.of(s);
      ReferenceGraph g = c.graph();
      PruneOptions o = PlannerPropertiesTest.randomOptions(rnd, true, "");
      PruneResult r = PruneExecutor.dryRun(g, Planner.of(g,o));
      for (StreamPlan p : r.streamUpdates()) for (RemovedRevision rr : p.removedRevisions()) rules.merge(rr.rule().name(),1,Integer::sum);
      imgs += r.imageDeletions().size(); blobs += r.blobDeletions().size(); ll+=r.layerLinkDeletions().size(); ml+=r.manifestLinkDeletions().size();
      Set<String> tags = c.usedTags(o.threshold(), ""); Set<String> ui = c.usedImages(o.threshold(), "");
      for (var st : c.streams) for (var t : st.tags()) { if (tags.contains(st.repo()+":"+t.name())) tagProtected++; for (var e: t.items()) if (ui.contains(st.repo()+"@"+e.image())) imgUsedProtected++; }
      PruneResult off = PruneExecutor.dryRun(g, Planner.of(g,o.withKeepPinnedImages(false)));
      pinnedKept += off.imageDeletions().size() - r.imageDeletions().size();
    }
    System.out.println("STATS rules="+rules+" imgs="+imgs+" blobs="+blobs+" ll="+ll+" ml="+ml+" pinnedKept="+pinnedKept+" tagRefsHittingTags="+tagProtected+" digestRefsHittingRevs="+imgUsedProtected);
  }
}
